// CONCORD_JWT_* configuration, and the embedded default secret kept in the data directory.
#include <gtest/gtest.h>

#include <fstream>
#include <future>
#include <set>
#include <sstream>

#include <sys/stat.h>

#include "token_fixtures.hpp"

using namespace concord;
using namespace concord::auth;
using namespace concord::auth::testing;
namespace fs = std::filesystem;

namespace {

void expect_refused(const Result<JwtConfig>& r, std::string_view detail_part) {
  ASSERT_FALSE(r.has_value()) << "expected a refusal mentioning: " << detail_part;
  EXPECT_NE(r.error().detail.find(detail_part), std::string::npos) << r.error().detail;
}

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write(const fs::path& p, const std::string& text,
           fs::perms perms = fs::perms::owner_read | fs::perms::owner_write) {
  std::ofstream(p) << text;
  fs::permissions(p, perms);
}

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  ::stat(p.c_str(), &st);
  return st.st_mode & 07777;
}

}  // namespace

TEST(JwtEnvConfig, defaults_to_hs256_with_concord_issuer_and_audience) {
  TempDir dir;
  auto config = jwt_config_from_env(Env::from_map({}), dir.path().string());
  ASSERT_TRUE(config) << config.error().detail;
  EXPECT_EQ(config->algorithm, Algorithm::hs256);
  EXPECT_EQ(config->issuer, "concord");
  EXPECT_EQ(config->audience, "concord");
  EXPECT_EQ(config->leeway, std::chrono::seconds{60});
}

TEST(JwtEnvConfig, generates_embedded_secret_once_and_reuses_it) {
  TempDir dir;
  auto data_dir = dir.path() / "not" / "yet" / "there";
  auto first = jwt_config_from_env(Env::from_map({}), data_dir.string());
  ASSERT_TRUE(first) << first.error().detail;
  auto file = data_dir / "jwt-secret";
  ASSERT_TRUE(fs::is_regular_file(file));
  EXPECT_EQ(mode_of(file), 0600u);
  EXPECT_EQ(read(file), first->hs256_secret + "\n");
  EXPECT_EQ(first->hs256_secret.size(), 64u);
  EXPECT_EQ(first->hs256_secret.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(std::distance(fs::directory_iterator(data_dir), fs::directory_iterator()), 1);  // no temporary left

  auto second = jwt_config_from_env(Env::from_map({}), data_dir.string());
  ASSERT_TRUE(second);
  EXPECT_EQ(second->hs256_secret, first->hs256_secret);

  TempDir elsewhere;
  auto third = jwt_config_from_env(Env::from_map({}), elsewhere.path().string());
  ASSERT_TRUE(third);
  EXPECT_NE(third->hs256_secret, first->hs256_secret);
}

TEST(JwtEnvConfig, processes_starting_together_agree_on_one_embedded_secret) {
  TempDir dir;
  std::vector<std::future<Result<JwtConfig>>> starts;
  for (int i = 0; i < 8; ++i)
    starts.push_back(
        std::async(std::launch::async, [&] { return jwt_config_from_env(Env::from_map({}), dir.path().string()); }));
  std::set<std::string> secrets;
  for (auto& s : starts) {
    auto config = s.get();
    ASSERT_TRUE(config) << config.error().detail;
    secrets.insert(config->hs256_secret);
  }
  EXPECT_EQ(secrets.size(), 1u);
  EXPECT_EQ(read(dir.path() / "jwt-secret"), *secrets.begin() + "\n");
}

TEST(JwtEnvConfig, refuses_embedded_secret_readable_by_others) {
  TempDir dir;
  write(dir.path() / "jwt-secret", std::string(64, 'a') + "\n",
        fs::perms::owner_read | fs::perms::owner_write | fs::perms::others_read);
  expect_refused(jwt_config_from_env(Env::from_map({}), dir.path().string()), "accessible to other users");
}

TEST(JwtEnvConfig, refuses_short_embedded_secret) {
  TempDir dir;
  write(dir.path() / "jwt-secret", "short\n");
  expect_refused(jwt_config_from_env(Env::from_map({}), dir.path().string()), "shorter than 32 bytes");
}

TEST(JwtEnvConfig, a_secret_from_the_environment_replaces_the_embedded_one) {
  TempDir dir;
  auto config = jwt_config_from_env(Env::from_map({{"CONCORD_JWT_SECRET", kSecret}}), dir.path().string());
  ASSERT_TRUE(config);
  EXPECT_EQ(config->hs256_secret, kSecret);
  EXPECT_FALSE(fs::exists(dir.path() / "jwt-secret"));
}

TEST(JwtEnvConfig, refuses_short_secret_naming_the_variable_but_not_the_secret) {
  TempDir dir;
  auto r = jwt_config_from_env(Env::from_map({{"CONCORD_JWT_SECRET", "hunter2-hunter2"}}), dir.path().string());
  expect_refused(r, "CONCORD_JWT_SECRET: expected at least 32 bytes, got 15 bytes");
  EXPECT_EQ(r.error().detail.find("hunter2"), std::string::npos);
}

TEST(JwtEnvConfig, refuses_unknown_algorithm_naming_the_variable) {
  TempDir dir;
  expect_refused(jwt_config_from_env(Env::from_map({{"CONCORD_JWT_ALG", "RS256"}}), dir.path().string()),
                 "CONCORD_JWT_ALG: expected HS256 or EdDSA, got 'RS256'");
  expect_refused(jwt_config_from_env(Env::from_map({{"CONCORD_JWT_ALG", "none"}}), dir.path().string()),
                 "CONCORD_JWT_ALG");
}

TEST(JwtEnvConfig, reads_eddsa_keys_from_pem_text_and_from_files) {
  TempDir dir;
  write(dir.path() / "public.pem", test_keys().public_pem);
  write(dir.path() / "private.pem", test_keys().private_pem);
  auto from_files =
      jwt_config_from_env(Env::from_map({{"CONCORD_JWT_ALG", "EdDSA"},
                                         {"CONCORD_JWT_PUBLIC_KEY", (dir.path() / "public.pem").string()},
                                         {"CONCORD_JWT_PRIVATE_KEY", (dir.path() / "private.pem").string()}}),
                          dir.path().string());
  ASSERT_TRUE(from_files) << from_files.error().detail;
  EXPECT_EQ(from_files->algorithm, Algorithm::eddsa);
  EXPECT_EQ(from_files->ed25519_public_key_pem, test_keys().public_pem);
  EXPECT_FALSE(fs::exists(dir.path() / "jwt-secret"));

  auto one_line = test_keys().public_pem;
  for (std::size_t at = 0; (at = one_line.find('\n', at)) != std::string::npos;) one_line.replace(at, 1, "\\n");
  auto from_text = jwt_config_from_env(
      Env::from_map({{"CONCORD_JWT_ALG", "EdDSA"}, {"CONCORD_JWT_PUBLIC_KEY", one_line}}), dir.path().string());
  ASSERT_TRUE(from_text) << from_text.error().detail;
  EXPECT_EQ(from_text->ed25519_public_key_pem, test_keys().public_pem);
  EXPECT_TRUE(from_text->ed25519_private_key_pem.empty());

  auto token = mint(*from_files, {.subject = "s", .roles = {Role::admin}, .issued_at = kNow});
  ASSERT_TRUE(token);
  EXPECT_TRUE(verifier_for(*from_text).verify(*token, kNow));
}

TEST(JwtEnvConfig, refuses_eddsa_without_a_usable_public_key) {
  TempDir dir;
  auto d = dir.path().string();
  expect_refused(jwt_config_from_env(Env::from_map({{"CONCORD_JWT_ALG", "EdDSA"}}), d),
                 "CONCORD_JWT_PUBLIC_KEY: expected an Ed25519 public key");
  expect_refused(jwt_config_from_env(Env::from_map({{"CONCORD_JWT_ALG", "EdDSA"},
                                                    {"CONCORD_JWT_PUBLIC_KEY", (dir.path() / "missing.pem").string()}}),
                                     d),
                 "CONCORD_JWT_PUBLIC_KEY: expected PEM text or the path of a readable PEM file");
  expect_refused(
      jwt_config_from_env(
          Env::from_map({{"CONCORD_JWT_ALG", "EdDSA"}, {"CONCORD_JWT_PUBLIC_KEY", ec_p256_public_key_pem()}}), d),
      "CONCORD_JWT_PUBLIC_KEY: expected an Ed25519 public key in PEM, got the public key is not an Ed25519 key");
}

TEST(JwtEnvConfig, refuses_a_private_key_of_another_pair) {
  TempDir dir;
  auto r = jwt_config_from_env(Env::from_map({{"CONCORD_JWT_ALG", "EdDSA"},
                                              {"CONCORD_JWT_PUBLIC_KEY", test_keys().public_pem},
                                              {"CONCORD_JWT_PRIVATE_KEY", other_keys().private_pem}}),
                               dir.path().string());
  expect_refused(r, "CONCORD_JWT_PRIVATE_KEY: expected the private half of CONCORD_JWT_PUBLIC_KEY");
  EXPECT_EQ(r.error().detail.find("PRIVATE KEY-----"), std::string::npos);
}

TEST(JwtEnvConfig, reads_issuer_audience_and_leeway) {
  TempDir dir;
  auto config = jwt_config_from_env(Env::from_map({{"CONCORD_JWT_SECRET", kSecret},
                                                   {"CONCORD_JWT_ISSUER", "mfa.example"},
                                                   {"CONCORD_JWT_AUDIENCE", "concord-prod"},
                                                   {"CONCORD_JWT_LEEWAY", "15"}}),
                                    dir.path().string());
  ASSERT_TRUE(config);
  EXPECT_EQ(config->issuer, "mfa.example");
  EXPECT_EQ(config->audience, "concord-prod");
  EXPECT_EQ(config->leeway, std::chrono::seconds{15});
}

TEST(JwtEnvConfig, refuses_leeway_above_60_seconds) {
  TempDir dir;
  for (const char* bad : {"61", "2m", "soon", "-5", "1500ms"})
    expect_refused(jwt_config_from_env(Env::from_map({{"CONCORD_JWT_SECRET", kSecret}, {"CONCORD_JWT_LEEWAY", bad}}),
                                       dir.path().string()),
                   "CONCORD_JWT_LEEWAY: expected a whole number of seconds from 0 to 60");
  auto zero = jwt_config_from_env(Env::from_map({{"CONCORD_JWT_SECRET", kSecret}, {"CONCORD_JWT_LEEWAY", "0"}}),
                                  dir.path().string());
  ASSERT_TRUE(zero);
  EXPECT_EQ(zero->leeway, std::chrono::seconds{0});
}
