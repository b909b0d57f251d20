#include "delegations/domain/model.hpp"

#include <algorithm>

#include "concord/core/sort_key.hpp"

namespace concord::delegations {

namespace {
const std::vector<std::string_view> kRanks = {"head_of_state",  "head_of_government", "deputy_head_of_government",
                                              "minister",       "ambassador",         "deputy_minister",
                                              "head_of_agency", "official",           "adviser",
                                              "expert",         "interpreter",        "support_staff"};
const std::vector<std::string_view> kChannels = {"inbox", "stream", "email", "sms"};
const std::vector<std::string_view> kAccreditation = {"none", "requested", "approved", "rejected", "revoked"};
}  // namespace

std::string_view to_string(Side side) {
  return side == Side::host ? "host" : "guest";
}

std::optional<Side> parse_side(std::string_view text) {
  if (text == "host") return Side::host;
  if (text == "guest") return Side::guest;
  return std::nullopt;
}

std::string_view to_string(Rank rank) {
  return kRanks[static_cast<size_t>(rank)];
}

std::optional<Rank> parse_rank(std::string_view text) {
  auto it = std::find(kRanks.begin(), kRanks.end(), text);
  if (it == kRanks.end()) return std::nullopt;
  return static_cast<Rank>(it - kRanks.begin());
}

const std::vector<std::string_view>& rank_names() {
  return kRanks;
}
const std::vector<std::string_view>& channel_names() {
  return kChannels;
}

std::string_view to_string(AccreditationStatus status) {
  return kAccreditation[static_cast<size_t>(status)];
}

std::optional<AccreditationStatus> parse_accreditation_status(std::string_view text) {
  auto it = std::find(kAccreditation.begin(), kAccreditation.end(), text);
  if (it == kAccreditation.end()) return std::nullopt;
  return static_cast<AccreditationStatus>(it - kAccreditation.begin());
}

const Delegation* State::delegation(const std::string& id) const {
  auto it = delegations.find(id);
  return it == delegations.end() ? nullptr : &it->second;
}

const Member* State::member(const std::string& id) const {
  auto it = members.find(id);
  return it == members.end() ? nullptr : &it->second;
}

const Contact* State::contact_of(const std::string& member_id) const {
  auto it = contacts.find(member_id);
  return it == contacts.end() ? nullptr : &it->second;
}

const Travel* State::travel_of(const std::string& member_id) const {
  auto it = travel.find(member_id);
  return it == travel.end() ? nullptr : &it->second;
}

const std::string& display_name(const Texts& texts) {
  static const std::string none;
  if (auto it = texts.find("en"); it != texts.end()) return it->second;
  return texts.empty() ? none : texts.begin()->second;
}

std::string precedence_key(const Member& m) {
  return SortKey()
      .add(m.is_head ? 0 : 1)
      .add(static_cast<int>(m.rank))
      .add(m.precedence_order ? 0 : 1)
      .add(m.precedence_order.value_or(0))
      .add(display_name(m.full_name))
      .add(m.id)
      .str();
}

std::vector<const Member*> roster(const State& state, const std::string& delegation_id, bool include_withdrawn) {
  std::vector<const Member*> out;
  auto it = state.roster_order.find(delegation_id);
  if (it == state.roster_order.end()) return out;
  for (const auto& [key, id] : it->second) {
    const Member* m = state.member(id);
    if (m && (include_withdrawn || !m->withdrawn)) out.push_back(m);
  }
  return out;
}

}  // namespace concord::delegations
