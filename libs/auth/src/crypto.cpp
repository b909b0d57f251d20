#include "concord/crypto/crypto.hpp"
#include "concord/auth/jwt.hpp"

namespace concord::auth {

Result<std::pair<std::string, std::string>> generate_ed25519_keypair_pem() {
  auto pair = crypto::ed25519_generate_pem();
  if (!pair) return fail(Error::internal(pair.error()));
  return std::move(*pair);
}

}  // namespace concord::auth
