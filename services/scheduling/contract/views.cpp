#include "scheduling/contract/views.hpp"

#include "concord/core/json_read.hpp"

namespace concord::scheduling::contract {

using namespace json_read;

std::optional<MeetingView> meeting_view(const nlohmann::json& j) {
  MeetingView m;
  m.id = str(j, "id");
  m.visit_id = str(j, "visit_id");
  auto start = time(j, "start");
  auto end = time(j, "end");
  if (m.id.empty() || m.visit_id.empty() || !start || !end) return std::nullopt;
  m.start = *start;
  m.end = *end;
  m.kind = str(j, "kind");
  if (auto status = str(j, "status"); !status.empty()) m.status = status;
  m.version = num(j, "version");
  return m;
}

bool apply_public(std::map<std::string, MeetingView>& meetings, std::string_view type, const nlohmann::json& data) {
  if (!type.starts_with(kMeetingPrefix)) return false;
  auto view = meeting_view(obj(data, "meeting"));
  if (!view) return false;
  auto held = meetings.find(view->id);
  if (held != meetings.end()) {
    if (held->second.version > view->version) return false;
    view->cancel_reason = held->second.cancel_reason;
  }
  if (type == kMeetingCancelled) {
    view->status = "cancelled";
    view->cancel_reason = str(data, "reason");
  }
  auto id = view->id;
  meetings[std::move(id)] = std::move(*view);
  return true;
}

void encode(binary::Writer& w, const MeetingView& m) {
  w.str(m.id);
  w.str(m.visit_id);
  w.str(m.kind);
  w.str(m.status);
  w.time(m.start);
  w.time(m.end);
  w.str(m.cancel_reason);
  w.i64(m.version);
}

MeetingView decode_meeting_view(binary::Reader& r) {
  MeetingView m;
  m.id = r.str();
  m.visit_id = r.str();
  m.kind = r.str();
  m.status = r.str();
  m.start = r.time();
  m.end = r.time();
  m.cancel_reason = r.str();
  m.version = r.i64();
  return m;
}

}  // namespace concord::scheduling::contract
