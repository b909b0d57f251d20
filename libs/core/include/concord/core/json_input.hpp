#pragma once
// Reading untrusted JSON request bodies: every problem is collected with the JSON pointer of
// the field it concerns, so one 400 names all of them at once.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "concord/core/error.hpp"
#include "concord/core/time.hpp"

namespace concord::json_input {

// A body that is not JSON → 400 naming the byte where parsing stopped. Depth is limited so a
// hostile body cannot exhaust the stack.
Result<nlohmann::json> parse(std::string_view body, size_t max_depth = 64);
Result<nlohmann::json> parse_object(std::string_view body);

std::string pointer_token(std::string_view field);  // RFC 6901 escaping of ~ and /
bool is_bcp47(std::string_view tag);                // "en", "ru", "ky", "be", "en-GB", "zh-Hant-TW"

enum class Need { required, optional };

class Reader {
 public:
  explicit Reader(const nlohmann::json& object, std::string pointer = {});

  std::optional<std::string> string(std::string_view field, Need need = Need::required, size_t max_len = 1000);
  std::optional<long long> integer(std::string_view field, long long min, long long max, Need need = Need::required);
  std::optional<bool> boolean(std::string_view field, Need need = Need::optional);
  std::optional<std::string> one_of(std::string_view field, const std::vector<std::string_view>& allowed,
                                    Need need = Need::required);
  std::optional<std::string> uuid(std::string_view field, Need need = Need::required);
  std::optional<std::vector<std::string>> uuid_list(std::string_view field, Need need = Need::required,
                                                    size_t max_items = 1000);
  std::optional<std::vector<std::string>> string_list(std::string_view field, Need need = Need::required,
                                                      size_t max_items = 100, size_t max_len = 200);
  std::optional<Timestamp> time(std::string_view field, Need need = Need::required);
  std::optional<Days> date(std::string_view field, Need need = Need::required);
  std::optional<std::string> time_zone(std::string_view field, Need need = Need::required);
  // {"en": "...", "ru": "..."}: BCP 47 keys, non-empty strings, at least one entry.
  std::optional<std::map<std::string, std::string>> localized(std::string_view field, Need need = Need::required,
                                                              size_t max_len = 500);
  // A nested object, read with a Reader that reports into the same error list.
  std::optional<Reader> object(std::string_view field, Need need = Need::required);
  const nlohmann::json* array(std::string_view field, Need need = Need::required);

  bool has(std::string_view field) const;
  // Fields not in `known` are refused, so a typo is not silently ignored.
  void refuse_unknown(const std::vector<std::string_view>& known);
  void add_error(std::string_view field, std::string message);  // field "" = this object itself
  std::string pointer(std::string_view field) const;
  const nlohmann::json& json() const { return *object_; }

  bool ok() const { return errors_->empty(); }
  Status finish() const;  // validation Error with every problem, or success
  const std::vector<FieldError>& errors() const { return *errors_; }

 private:
  Reader(const nlohmann::json& object, std::string pointer, std::shared_ptr<std::vector<FieldError>> errors);
  const nlohmann::json* field_value(std::string_view field, Need need, std::string_view type_name);

  const nlohmann::json* object_;
  std::string pointer_;
  std::shared_ptr<std::vector<FieldError>> errors_;
};

}  // namespace concord::json_input
