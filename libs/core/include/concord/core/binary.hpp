#pragma once
// A compact binary encoding for snapshots of in-memory state: little-endian fixed-size integers
// and length-prefixed strings, written to and read from one buffer. No schema travels with the
// bytes: whoever writes and reads them agrees on a layout and a version number (a service's
// state codec), and a reader that runs out of bytes or meets a wrong marker fails rather than
// guessing. Chosen over JSON for the start from a snapshot: reading it is a copy per string.
#include <bit>
#include <cstdint>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "concord/core/time.hpp"

namespace concord::binary {

// Thrown by Reader when the bytes do not hold what the layout says; a state codec turns it into
// "this snapshot cannot be used".
struct Malformed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Writer {
 public:
  void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void boolean(bool v) { u8(v ? 1 : 0); }
  void u32(std::uint32_t v) { raw(&v, sizeof v); }
  void u64(std::uint64_t v) { raw(&v, sizeof v); }
  void i64(std::int64_t v) { raw(&v, sizeof v); }
  void str(std::string_view s) {
    u32(static_cast<std::uint32_t>(s.size()));
    out_.append(s.data(), s.size());
  }
  void opt_str(const std::optional<std::string>& s) {
    boolean(s.has_value());
    if (s) str(*s);
  }
  void opt_i64(const std::optional<long long>& v) {
    boolean(v.has_value());
    if (v) i64(*v);
  }
  void strings(const std::vector<std::string>& v) {
    u32(static_cast<std::uint32_t>(v.size()));
    for (const auto& s : v) str(s);
  }
  void string_map(const std::map<std::string, std::string>& m) {
    u32(static_cast<std::uint32_t>(m.size()));
    for (const auto& [k, v] : m) {
      str(k);
      str(v);
    }
  }
  void count(size_t n) { u32(static_cast<std::uint32_t>(n)); }
  // A marker between sections: a reader checks it, so a layout mistake fails loudly.
  void mark(std::uint32_t tag) { u32(tag); }
  void time(Timestamp t) { i64(t.time_since_epoch().count()); }  // milliseconds since the epoch
  void day(Days d) { i64(d.time_since_epoch().count()); }        // days since the epoch
  template <class E>
  void enumerator(E e) {
    u8(static_cast<std::uint8_t>(e));
  }
  void opt_time(const std::optional<Timestamp>& t) { field(t); }
  void opt_day(const std::optional<Days>& d) { field(d); }
  // One value of a layout, by its type: a layout written once as `layout(io, value)`, calling
  // io.field(member) for each member in order, serves both directions (Reader::field reads
  // what these write), so encoder and decoder cannot drift apart.
  void field(const std::string& v) { str(v); }
  void field(bool v) { boolean(v); }
  void field(int v) { i64(v); }
  void field(long long v) { i64(v); }
  void field(std::uint64_t v) { u64(v); }
  void field(Timestamp v) { time(v); }
  void field(Days v) { day(v); }
  // An enumerator; `last` is for the reader (Reader::field), which refuses any beyond it.
  template <class E>
    requires std::is_enum_v<E>
  void field(E v, E /*last*/) {
    enumerator(v);
  }
  template <class T>
  void field(const std::optional<T>& v) {  // a presence flag, then the value
    boolean(v.has_value());
    if (v) field(*v);
  }
  template <class T>
  void field(const std::shared_ptr<const T>& v) {  // as an optional: a presence flag, then the value
    boolean(v != nullptr);
    if (v) field(*v);
  }
  template <class A, class B>
  void field(const std::pair<A, B>& v) {
    field(v.first);
    field(v.second);
  }
  // Containers: a count, then each item (each key, then its value), in the container's order.
  template <class T>
  void field(const std::vector<T>& v) {
    items(v);
  }
  template <class T>
  void field(const std::set<T>& v) {
    items(v);
  }
  template <class T>
  void field(const std::deque<T>& v) {
    items(v);
  }
  template <class K, class V>
  void field(const std::map<K, V>& v) {
    items(v);
  }
  // A map keyed by enumerators: a count, then each enumerator and its value.
  template <class E, class V>
    requires std::is_enum_v<E>
  void field(const std::map<E, V>& v, E /*last*/) {
    count(v.size());
    for (const auto& [key, value] : v) {
      enumerator(key);
      field(value);
    }
  }
  // A map whose values hold their own key (`key_of` reads it): a count, then each value; the
  // reader keys them again.
  template <class K, class V, class KeyOf>
  void values(const std::map<K, V>& v, KeyOf /*key_of*/) {
    count(v.size());
    for (const auto& entry : v) field(entry.second);
  }
  // A struct, by its own layout: `template <class Io> void layout(Io& io, T& value)`, declared
  // in T's namespace so that it is found by argument-dependent lookup. Writing never changes the
  // value; the layout takes it non-const so that one function serves the Reader too.
  template <class T>
    requires requires(Writer& w, T& v) { layout(w, v); }
  void field(const T& v) {
    layout(*this, const_cast<T&>(v));
  }
  // A count, then every item of `items` written by `put(writer, item)`: Reader::each reads them.
  template <class Items, class Put>
  void each(const Items& items, Put&& put) {
    count(items.size());
    for (const auto& item : items) put(*this, item);
  }

  std::string& bytes() { return out_; }
  std::string take() { return std::move(out_); }

 private:
  template <class Items>
  void items(const Items& all) {
    count(all.size());
    for (const auto& item : all) field(item);
  }
  void raw(const void* p, size_t n) {
    // Little-endian hosts only (x86-64, ARMv8 as Linux runs them).
    static_assert(std::endian::native == std::endian::little);
    out_.append(static_cast<const char*>(p), n);
  }
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  std::uint8_t u8() {
    need(1);
    return static_cast<std::uint8_t>(in_[pos_++]);
  }
  bool boolean() {
    auto v = u8();
    if (v > 1) throw Malformed("a boolean that is neither 0 nor 1");
    return v == 1;
  }
  std::uint32_t u32() { return fixed<std::uint32_t>(); }
  std::uint64_t u64() { return fixed<std::uint64_t>(); }
  std::int64_t i64() { return fixed<std::int64_t>(); }
  std::string str() {
    auto n = u32();
    need(n);
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  std::optional<std::string> opt_str() {
    if (!boolean()) return std::nullopt;
    return str();
  }
  std::optional<long long> opt_i64() {
    if (!boolean()) return std::nullopt;
    return i64();
  }
  std::vector<std::string> strings() {
    std::vector<std::string> v(count());
    for (auto& s : v) s = str();
    return v;
  }
  std::map<std::string, std::string> string_map() {
    std::map<std::string, std::string> m;
    for (auto n = count(); n > 0; --n) {
      auto k = str();
      m.emplace_hint(m.end(), std::move(k), str());
    }
    return m;
  }
  // A count of items that follow: each takes at least one byte, so a count beyond the bytes
  // left is malformed (and never allocates gigabytes for a damaged length).
  size_t count() {
    auto n = u32();
    if (n > in_.size() - pos_) throw Malformed("a count beyond the bytes left");
    return n;
  }
  void mark(std::uint32_t tag) {
    if (u32() != tag) throw Malformed("a section marker is not where the layout puts it");
  }
  Timestamp time() { return Timestamp{std::chrono::milliseconds{i64()}}; }
  Days day() { return Days{std::chrono::days{i64()}}; }
  // An enumerator written by Writer::enumerator; `last` is the highest the layout knows.
  template <class E>
  E enumerator(E last) {
    auto v = u8();
    if (v > static_cast<std::uint8_t>(last)) throw Malformed("an enumerator out of range");
    return static_cast<E>(v);
  }
  std::optional<Timestamp> opt_time() {
    std::optional<Timestamp> t;
    field(t);
    return t;
  }
  std::optional<Days> opt_day() {
    std::optional<Days> d;
    field(d);
    return d;
  }
  // What Writer::field wrote, into the member given.
  void field(std::string& v) { v = str(); }
  void field(bool& v) { v = boolean(); }
  void field(int& v) { v = static_cast<int>(i64()); }
  void field(long long& v) { v = i64(); }
  void field(std::uint64_t& v) { v = u64(); }
  void field(Timestamp& v) { v = time(); }
  void field(Days& v) { v = day(); }
  template <class E>
    requires std::is_enum_v<E>
  void field(E& v, E last) {
    v = enumerator(last);
  }
  template <class T>
  void field(std::optional<T>& v) {
    v.reset();
    if (!boolean()) return;
    field(v.emplace());
  }
  template <class T>
  void field(std::shared_ptr<const T>& v) {
    v.reset();
    if (!boolean()) return;
    T value;
    field(value);
    v = std::make_shared<const T>(std::move(value));
  }
  template <class A, class B>
  void field(std::pair<A, B>& v) {
    field(v.first);
    field(v.second);
  }
  template <class T>
  void field(std::vector<T>& v) {
    v.clear();
    for (auto n = count(); n > 0; --n) field(v.emplace_back());
  }
  template <class T>
  void field(std::set<T>& v) {
    v.clear();
    for (auto n = count(); n > 0; --n) {
      T item;
      field(item);
      v.emplace_hint(v.end(), std::move(item));
    }
  }
  template <class T>
  void field(std::deque<T>& v) {
    v.clear();
    for (auto n = count(); n > 0; --n) field(v.emplace_back());
  }
  template <class K, class V>
  void field(std::map<K, V>& v) {
    v.clear();
    for (auto n = count(); n > 0; --n) {
      K key;
      field(key);
      field(v.emplace_hint(v.end(), std::move(key), V{})->second);
    }
  }
  template <class E, class V>
    requires std::is_enum_v<E>
  void field(std::map<E, V>& v, E last) {
    v.clear();
    for (auto n = count(); n > 0; --n) {
      auto key = enumerator(last);
      field(v.emplace_hint(v.end(), key, V{})->second);
    }
  }
  template <class K, class V, class KeyOf>
  void values(std::map<K, V>& v, KeyOf key_of) {
    v.clear();
    for (auto n = count(); n > 0; --n) {
      V value;
      field(value);
      K key = std::invoke(key_of, value);
      v.emplace_hint(v.end(), std::move(key), std::move(value));
    }
  }
  template <class T>
    requires requires(Reader& r, T& v) { layout(r, v); }
  void field(T& v) {
    layout(*this, v);
  }
  // What Writer::each wrote: `get(reader)` is called once for each item, in order.
  template <class Get>
  void each(Get&& get) {
    for (auto n = count(); n > 0; --n) get(*this);
  }
  bool done() const { return pos_ == in_.size(); }

 private:
  template <class T>
  T fixed() {
    need(sizeof(T));
    T v;
    std::memcpy(&v, in_.data() + pos_, sizeof v);
    pos_ += sizeof v;
    return v;
  }
  void need(size_t n) const {
    if (n > in_.size() - pos_) throw Malformed("the bytes end inside a value");
  }
  std::string_view in_;
  size_t pos_ = 0;
};

// The bytes of a value with a layout (see Writer::field), and the value back from all of them:
// a state codec is these two over its State's layout.
template <class T>
std::string to_bytes(const T& value) {
  Writer out;
  out.field(value);
  return out.take();
}

// Throws Malformed when the bytes do not hold the layout, or hold more.
template <class T>
T from_bytes(std::string_view bytes) {
  Reader in(bytes);
  T value;
  in.field(value);
  if (!in.done()) throw Malformed("bytes after the end of the layout");
  return value;
}

}  // namespace concord::binary
