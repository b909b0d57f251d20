// Every route of the four services with hostile bodies, queries and headers, in process (no
// sockets): each input ends in a 2xx or a 4xx problem+json, never a 5xx, a crash or a hang.
//
// Input: "METHOD TARGET TOKEN\n", header lines "Name: value\n", an empty line, then the body.
// Seeds are valid requests of every route (tests/fuzz/seeds/api_request); the mutator is
// structure-aware: half the time it edits the body as JSON (a value of another type, a key
// dropped or repeated, deep nesting, long strings and arrays, numbers at the edges), else it
// leaves the bytes to libFuzzer.
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "api_world.hpp"

namespace {

using json = nlohmann::json;

struct Parsed {
  std::string head;  // the first line and the header lines, each ending in '\n'
  std::string body;
};

Parsed split(std::string_view input) {
  auto end = input.find("\n\n");
  if (end == std::string_view::npos) return {std::string(input), {}};
  return {std::string(input.substr(0, end + 1)), std::string(input.substr(end + 2))};
}

concord::http::Request to_request(std::string_view input, concord::fuzzing::World& world) {
  auto [head, body] = split(input);
  concord::http::Request request;
  request.remote_address = "127.0.0.1";
  size_t line_end = head.find('\n');
  std::string first = head.substr(0, line_end);
  auto sp1 = first.find(' ');
  auto sp2 = sp1 == std::string::npos ? std::string::npos : first.find(' ', sp1 + 1);
  request.method = concord::http::parse_method(first.substr(0, sp1));
  request.target = world.substitute(sp1 == std::string::npos ? "/" : first.substr(sp1 + 1, sp2 - sp1 - 1));
  if (sp2 != std::string::npos) request.headers.add("Authorization", "Bearer " + first.substr(sp2 + 1));
  size_t pos = line_end == std::string::npos ? head.size() : line_end + 1;
  while (pos < head.size()) {
    size_t next = head.find('\n', pos);
    if (next == std::string::npos) next = head.size();
    std::string line = head.substr(pos, next - pos);
    if (auto colon = line.find(':'); colon != std::string::npos) {
      std::string value = line.substr(colon + 1);
      if (!value.empty() && value[0] == ' ') value.erase(0, 1);
      request.headers.add(line.substr(0, colon), world.substitute(value));
    }
    pos = next + 1;
  }
  request.body = world.substitute(body);
  return request;
}

// One structural edit somewhere in the document (used by the libFuzzer build's mutator).
[[maybe_unused]] void mutate_json(json& doc, std::minstd_rand& rng) {
  // Pick a node by walking down a random path.
  json* node = &doc;
  for (int depth = 0; depth < 8 && (node->is_object() || node->is_array()) && !node->empty(); ++depth) {
    if (rng() % 3 == 0) break;
    auto it = node->begin();
    std::advance(it, rng() % node->size());
    node = &*it;
  }
  static const json kValues[] = {nullptr,
                                 true,
                                 false,
                                 0,
                                 -1,
                                 1.5,
                                 1e308,
                                 -9223372036854775807LL - 1,
                                 18446744073709551615ULL,
                                 "",
                                 " ",
                                 "\u0000",
                                 "2025-09-28T10:00:00+03:00",
                                 "2025-02-30",
                                 "9999-12-31T23:59:59Z",
                                 "0000-01-01T00:00:00Z",
                                 "Europe/Minsk",
                                 "Mars/Olympus",
                                 "{member}",
                                 "{visit}",
                                 "{venue}",
                                 "{delegation}",
                                 "00000000-0000-0000-0000-000000000000",
                                 json::array(),
                                 json::object(),
                                 "../../etc/passwd",
                                 "\xed\xa0\x80",
                                 "ru",
                                 "host",
                                 "approve",
                                 "inbox"};
  switch (rng() % 9) {
    case 0:
    case 1:
      *node = kValues[rng() % std::size(kValues)];
      break;
    case 2:  // drop a key or an element
      if (node->is_object() && !node->empty()) {
        auto it = node->begin();
        std::advance(it, rng() % node->size());
        node->erase(it);
      } else if (node->is_array() && !node->empty()) {
        node->erase(node->begin() + static_cast<long>(rng() % node->size()));
      }
      break;
    case 3:  // an unknown or duplicated-looking key
      if (node->is_object()) (*node)["x" + std::to_string(rng() % 4)] = kValues[rng() % std::size(kValues)];
      break;
    case 4: {  // a long string
      std::string s(size_t{1} << (rng() % 18), "aé\"\\\n"[rng() % 5]);
      *node = s;
      break;
    }
    case 5: {  // a long array
      json a = json::array();
      size_t n = size_t{1} << (rng() % 13);
      for (size_t i = 0; i < n; ++i) a.push_back(node->is_array() ? json("{member}") : *node);
      *node = std::move(a);
      break;
    }
    case 6: {  // deep nesting
      size_t depth = size_t{1} << (rng() % 11);
      json inner = *node;
      for (size_t i = 0; i < depth; ++i) inner = (i % 2) ? json::array({inner}) : json{{"a", inner}};
      *node = std::move(inner);
      break;
    }
    case 7:  // a number near the edges
      *node =
          (rng() % 2) ? json(static_cast<long long>(rng()) - (1LL << 31)) : json(static_cast<double>(rng()) * 1e300);
      break;
    case 8:  // the wrong container
      *node = node->is_object() ? json::array({*node}) : json::object({{"value", *node}});
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto& world = concord::fuzzing::World::get();
  world.handle(to_request(std::string_view(reinterpret_cast<const char*>(data), size), world));
  return 0;
}

#ifdef CONCORD_LIBFUZZER
extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size, unsigned int seed) {
  std::minstd_rand rng(seed);
  if (rng() % 2 == 0) return LLVMFuzzerMutate(data, size, max_size);
  auto [head, body] = split(std::string_view(reinterpret_cast<const char*>(data), size));
  auto doc = json::parse(body, nullptr, false);
  if (doc.is_discarded()) return LLVMFuzzerMutate(data, size, max_size);
  mutate_json(doc, rng);
  std::string out = head + "\n" + doc.dump(-1, ' ', false, json::error_handler_t::replace);
  if (out.size() > max_size) return LLVMFuzzerMutate(data, size, max_size);
  std::memcpy(data, out.data(), out.size());
  return out.size();
}
#endif
