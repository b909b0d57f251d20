#pragma once
#include <map>
#include <string>

namespace concord::notifications {
// language → the text of messages/<language>.json, as built into the binary.
const std::map<std::string, std::string>& embedded_message_files();
}  // namespace concord::notifications
