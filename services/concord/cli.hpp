#pragma once
// The operator commands of the `concord` binary.
#include <string>
#include <vector>

namespace concord::cli {

int serve(const std::vector<std::string>& args);
int token(const std::vector<std::string>& args);
int member_link(const std::vector<std::string>& args);

}  // namespace concord::cli
