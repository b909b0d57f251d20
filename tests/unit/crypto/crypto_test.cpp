#include <gtest/gtest.h>

#include <set>
#include <string>

#include "concord/crypto/crypto.hpp"

using namespace concord::crypto;

namespace {

std::string from_hex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  return out;
}

}  // namespace

// FIPS 180-4 examples (NIST's SHA-256 example values).
TEST(Sha256, matches_the_fips_180_examples) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, raw_digest_is_32_bytes_of_the_hex) {
  auto raw = sha256("abc");
  ASSERT_EQ(raw.size(), kSha256Bytes);
  EXPECT_EQ(to_hex(raw), sha256_hex("abc"));
}

// RFC 4231 §4: test cases 1, 2, 3, 4, 6 and 7 (5 is a truncated output).
TEST(HmacSha256, matches_the_rfc_4231_test_cases) {
  EXPECT_EQ(to_hex(hmac_sha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(to_hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(to_hex(hmac_sha256(std::string(20, '\xaa'), std::string(50, '\xdd'))),
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
  EXPECT_EQ(
      to_hex(hmac_sha256(from_hex("0102030405060708090a0b0c0d0e0f10111213141516171819"), std::string(50, '\xcd'))),
      "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
  EXPECT_EQ(to_hex(hmac_sha256(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  EXPECT_EQ(to_hex(hmac_sha256(std::string(131, '\xaa'),
                               "This is a test using a larger than block-size key and a larger than block-size data. "
                               "The key needs to be hashed before being used by the HMAC algorithm.")),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

// RFC 4648 §10.
TEST(Base64, matches_the_rfc_4648_test_vectors) {
  const std::pair<std::string, std::string> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64_encode(plain), encoded);
    EXPECT_EQ(base64_decode(encoded), plain) << encoded;
    std::string unpadded = encoded.substr(0, encoded.find('='));
    EXPECT_EQ(base64url_encode(plain), unpadded);
    EXPECT_EQ(base64url_decode(unpadded), plain) << unpadded;
  }
}

TEST(Base64, the_two_alphabets_differ_in_62_and_63) {
  std::string bytes = from_hex("fbff");
  EXPECT_EQ(base64_encode(bytes), "+/8=");
  EXPECT_EQ(base64url_encode(bytes), "-_8");
  EXPECT_EQ(base64_decode("+/8="), bytes);
  EXPECT_EQ(base64url_decode("-_8"), bytes);
}

TEST(Base64, decoding_is_strict_so_each_byte_string_has_one_encoding) {
  EXPECT_FALSE(base64_decode("Zm9v YmFy"));  // whitespace
  EXPECT_FALSE(base64_decode("Zm9=YmFy"));   // padding inside
  EXPECT_FALSE(base64_decode("Zg"));         // padding missing
  EXPECT_FALSE(base64_decode("Zg="));        // padding short
  EXPECT_FALSE(base64_decode("Zm8=="));      // padding long
  EXPECT_FALSE(base64_decode("-_8="));       // the URL-safe alphabet
  EXPECT_FALSE(base64_decode("Zh=="));       // unused bits set: "Zg==" is the one encoding of "f"
  EXPECT_FALSE(base64_decode("===="));
  EXPECT_FALSE(base64url_decode("Zg=="));  // padding
  EXPECT_FALSE(base64url_decode("+/8"));   // the standard alphabet
  EXPECT_FALSE(base64url_decode("Z"));     // an impossible length
  EXPECT_FALSE(base64url_decode("Zh"));    // unused bits set
  for (int n = 0; n < 70; ++n) {
    std::string bytes;
    for (int i = 0; i < n; ++i) bytes += static_cast<char>(i * 37 + n);
    EXPECT_EQ(base64_decode(base64_encode(bytes)), bytes);
    EXPECT_EQ(base64url_decode(base64url_encode(bytes)), bytes);
  }
}

// RFC 8032 §7.1: TEST 1, 2 and 3.
struct Ed25519Vector {
  const char* secret;
  const char* public_key;
  const char* message;
  const char* signature;
};
constexpr Ed25519Vector kRfc8032[] = {
    {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe246"
     "55141438e7a100b"},
    {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb"
     "00d291612bb0c00"},
    {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc"
     "027beceea1ec40a"},
};

TEST(Ed25519, matches_the_rfc_8032_test_vectors) {
  for (const auto& v : kRfc8032) {
    auto secret = from_hex(v.secret);
    auto public_key = from_hex(v.public_key);
    auto message = from_hex(v.message);
    auto signature = from_hex(v.signature);
    EXPECT_EQ(ed25519_public_key_of(secret), public_key) << v.public_key;
    auto made = ed25519_sign(secret, message);
    ASSERT_TRUE(made);
    EXPECT_EQ(to_hex(*made), v.signature);
    EXPECT_TRUE(ed25519_verify(public_key, message, signature));
  }
}

TEST(Ed25519, anything_altered_or_malformed_does_not_verify) {
  const auto& v = kRfc8032[2];
  auto public_key = from_hex(v.public_key);
  auto message = from_hex(v.message);
  auto signature = from_hex(v.signature);
  auto flipped = signature;
  flipped[10] = static_cast<char>(flipped[10] ^ 1);
  EXPECT_FALSE(ed25519_verify(public_key, message, flipped));
  EXPECT_FALSE(ed25519_verify(public_key, message + "x", signature));
  EXPECT_FALSE(ed25519_verify(from_hex(kRfc8032[0].public_key), message, signature));
  EXPECT_FALSE(ed25519_verify(public_key.substr(1), message, signature));
  EXPECT_FALSE(ed25519_verify(public_key, message, signature.substr(1)));
  EXPECT_FALSE(ed25519_sign("short", message));
  EXPECT_FALSE(ed25519_public_key_of(""));
}

TEST(Ed25519, generated_pem_keys_read_back_as_one_pair) {
  auto pair = ed25519_generate_pem();
  ASSERT_TRUE(pair) << pair.error();
  auto public_key = ed25519_public_key_from_pem(pair->first);
  auto private_key = ed25519_private_key_from_pem(pair->second);
  ASSERT_TRUE(public_key) << public_key.error();
  ASSERT_TRUE(private_key) << private_key.error();
  EXPECT_EQ(ed25519_public_key_of(*private_key), *public_key);
  auto signature = ed25519_sign(*private_key, "message");
  ASSERT_TRUE(signature);
  EXPECT_TRUE(ed25519_verify(*public_key, "message", *signature));
  // Each half read as the other kind, or garbage, is refused with a message that quotes nothing.
  EXPECT_FALSE(ed25519_public_key_from_pem(pair->second));
  EXPECT_FALSE(ed25519_private_key_from_pem(pair->first));
  auto garbage = ed25519_public_key_from_pem("-----BEGIN PUBLIC KEY-----\nsecret-ish\n-----END PUBLIC KEY-----\n");
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().find("secret-ish"), std::string::npos);
}

TEST(ConstantTime, compares_bytes_and_lengths) {
  EXPECT_TRUE(equal_in_constant_time("", ""));
  EXPECT_TRUE(equal_in_constant_time("abc", "abc"));
  EXPECT_FALSE(equal_in_constant_time("abc", "abd"));
  EXPECT_FALSE(equal_in_constant_time("abc", "ab"));
  EXPECT_FALSE(equal_in_constant_time(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST(Random, gives_the_length_asked_and_never_repeats) {
  EXPECT_EQ(random_bytes(0), "");
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto r = random_bytes(16);
    ASSERT_EQ(r.size(), 16u);
    EXPECT_TRUE(seen.insert(r).second);
  }
}

TEST(Hex, is_lowercase_two_digits_per_byte) {
  EXPECT_EQ(to_hex(""), "");
  EXPECT_EQ(to_hex(std::string("\x00\x0f\xf0\xff", 4)), "000ff0ff");
}
