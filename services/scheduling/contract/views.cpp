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

void encode(binary::Writer& out, const MeetingView& meeting) {
  out.field(meeting);
}

MeetingView decode_meeting_view(binary::Reader& in) {
  MeetingView m;
  in.field(m);
  return m;
}

}  // namespace concord::scheduling::contract
