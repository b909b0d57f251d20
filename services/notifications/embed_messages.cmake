# Writes OUT: a C++ file holding every messages/<lang>.json of DIR, so the binary carries its
# catalogues (CONCORD_NOTIFICATIONS_MESSAGES_DIR may point at a directory of more or newer ones).
file(GLOB files ${DIR}/*.json)
list(SORT files)
set(body "// Generated from services/notifications/messages/*.json; do not edit.\n#include <map>\n#include <string>\n\nnamespace concord::notifications {\n\nconst std::map<std::string, std::string>& embedded_message_files() {\n  static const std::map<std::string, std::string> files = {\n")
foreach(f ${files})
  get_filename_component(lang ${f} NAME_WE)
  file(READ ${f} content)
  string(APPEND body "      {\"${lang}\", R\"concord_json(${content})concord_json\"},\n")
endforeach()
string(APPEND body "  };\n  return files;\n}\n\n}  // namespace concord::notifications\n")
file(WRITE ${OUT}.tmp "${body}")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
