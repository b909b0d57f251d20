#include "notifications/domain/provisional.hpp"

namespace concord::notifications {

ProvisionalInbox::ProvisionalInbox(std::chrono::milliseconds max_age, size_t most)
    : max_age_(max_age), most_(most == 0 ? 1 : most) {}

void ProvisionalInbox::erase(std::unordered_map<std::string, Entry>::iterator it) {
  auto member = by_member_.find(it->second.notification.member_id);
  if (member != by_member_.end()) {
    member->second.erase(it->second.arrival);
    if (member->second.empty()) by_member_.erase(member);
  }
  entries_.erase(it);
}

// Pops the front of the arrival order, erasing its entry if it is still the one that arrived then.
void ProvisionalInbox::drop_oldest() {
  auto [arrival, id] = std::move(order_.front());
  order_.pop_front();
  auto it = entries_.find(id);
  if (it != entries_.end() && it->second.arrival == arrival) erase(it);
}

void ProvisionalInbox::add(std::vector<Notification> routed, const Inbox& inbox, Timestamp now) {
  while (!order_.empty()) {
    auto it = entries_.find(order_.front().second);
    bool current = it != entries_.end() && it->second.arrival == order_.front().first;
    if (current && it->second.notification.created_at + max_age_ >= now) break;
    drop_oldest();
  }
  for (auto& n : routed) {
    if (inbox.notifications.contains(n.id) || entries_.contains(n.id)) continue;
    while (entries_.size() >= most_ && !order_.empty()) drop_oldest();
    std::uint64_t arrival = ++arrivals_;
    std::string id = n.id;
    by_member_[n.member_id].emplace(arrival, id);
    order_.emplace_back(arrival, id);
    entries_.emplace(std::move(id), Entry{std::move(n), arrival});
  }
}

void ProvisionalInbox::forget(const std::string& id) {
  if (auto it = entries_.find(id); it != entries_.end()) erase(it);
}

bool ProvisionalInbox::shown(const Notification& n, const Inbox& inbox, Timestamp now) const {
  return !inbox.notifications.contains(n.id) && n.created_at + max_age_ >= now && n.deliver_after <= now;
}

std::vector<const Notification*> ProvisionalInbox::pending(const std::string& member_id, const Inbox& inbox,
                                                           Timestamp now) const {
  std::vector<const Notification*> out;
  auto member = by_member_.find(member_id);
  if (member == by_member_.end()) return out;
  for (const auto& [arrival, id] : member->second) {
    const Notification& n = entries_.at(id).notification;
    if (shown(n, inbox, now)) out.push_back(&n);
  }
  return out;
}

const Notification* ProvisionalInbox::find(const std::string& id, const Inbox& inbox, Timestamp now) const {
  auto it = entries_.find(id);
  return it != entries_.end() && shown(it->second.notification, inbox, now) ? &it->second.notification : nullptr;
}

}  // namespace concord::notifications
