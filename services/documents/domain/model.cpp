#include "documents/domain/model.hpp"

#include <algorithm>
#include <array>

namespace concord::documents {

namespace {
constexpr std::array<std::pair<DocStatus, std::string_view>, 9> kStatuses{{
    {DocStatus::draft, "draft"},
    {DocStatus::under_approval, "under_approval"},
    {DocStatus::rejected, "rejected"},
    {DocStatus::agreed, "agreed"},
    {DocStatus::signing_scheduled, "signing_scheduled"},
    {DocStatus::partially_signed, "partially_signed"},
    {DocStatus::signed_, "signed"},
    {DocStatus::in_force, "in_force"},
    {DocStatus::withdrawn, "withdrawn"},
}};
}  // namespace

std::string to_string(DocStatus s) {
  for (const auto& [status, name] : kStatuses)
    if (status == s) return std::string(name);
  return "draft";
}

std::optional<DocStatus> parse_status(std::string_view text) {
  for (const auto& [status, name] : kStatuses)
    if (name == text) return status;
  return std::nullopt;
}

std::string to_string(Rule r) {
  switch (r) {
    case Rule::on_signature:
      return "on_signature";
    case Rule::on_date:
      return "on_date";
    case Rule::after_notifications:
      return "after_notifications";
  }
  return "on_signature";
}

const Version* Document::find_version(long long number) const {
  auto it = std::find_if(versions.begin(), versions.end(), [&](const Version& v) { return v.number == number; });
  return it == versions.end() ? nullptr : &*it;
}

const Signature* Document::signature_of(const std::string& member_id) const {
  auto it =
      std::find_if(signatures.begin(), signatures.end(), [&](const Signature& s) { return s.member_id == member_id; });
  return it == signatures.end() ? nullptr : &*it;
}

bool Document::is_signatory(const std::string& member_id) const {
  return std::any_of(signatories.begin(), signatories.end(),
                     [&](const Signatory& s) { return s.member_id == member_id; });
}

const Document* State::find(const std::string& id) const {
  auto it = documents.find(id);
  return it == documents.end() ? nullptr : &it->second;
}

}  // namespace concord::documents
