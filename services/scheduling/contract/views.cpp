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

namespace {

// The binary layout, written once for both directions (binary::Writer/Reader::field).
template <class Io, class Meeting>
void meeting_layout(Io& io, Meeting& m) {
  io.field(m.id);
  io.field(m.visit_id);
  io.field(m.kind);
  io.field(m.status);
  io.field(m.start);
  io.field(m.end);
  io.field(m.cancel_reason);
  io.field(m.version);
}

}  // namespace

void encode(binary::Writer& out, const MeetingView& meeting) {
  meeting_layout(out, meeting);
}

MeetingView decode_meeting_view(binary::Reader& in) {
  MeetingView m;
  meeting_layout(in, m);
  return m;
}

}  // namespace concord::scheduling::contract
