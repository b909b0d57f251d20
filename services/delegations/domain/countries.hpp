#pragma once
// ISO 3166-1 alpha-2 country codes.
#include <cstddef>
#include <string_view>

namespace concord::delegations {

// True for an officially assigned alpha-2 code in upper case ("BY", "KG"); "XX", "by", "UK" are not.
bool is_country_code(std::string_view code);
size_t country_count();

}  // namespace concord::delegations
