#include "notifications/runtime/smtp.hpp"

#include <curl/curl.h>

#include <cstring>
#include <mutex>

namespace concord::notifications {

namespace {

std::once_flag curl_once;

struct Reader {
  const std::string* data;
  size_t offset = 0;
};

size_t read_message(char* buffer, size_t size, size_t items, void* user) {
  auto* r = static_cast<Reader*>(user);
  size_t n = std::min(size * items, r->data->size() - r->offset);
  std::memcpy(buffer, r->data->data() + r->offset, n);
  r->offset += n;
  return n;
}

}  // namespace

struct Smtp::Impl {
  Settings::Email settings;
  CURL* curl = nullptr;
};

Smtp::Smtp(const Settings::Email& settings) : impl_(std::make_unique<Impl>()) {
  std::call_once(curl_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  impl_->settings = settings;
  impl_->curl = curl_easy_init();
}

Smtp::~Smtp() {
  if (impl_ && impl_->curl) curl_easy_cleanup(impl_->curl);
}

SendOutcome Smtp::send(const std::string& to, const std::string& mime) {
  CURL* c = impl_->curl;
  if (c == nullptr) return classify_send(false, 0, false, "libcurl could not be initialised");
  const auto& s = impl_->settings;
  curl_easy_reset(c);  // keeps the open connection, forgets the last message's options
  Reader reader{&mime};
  char error[CURL_ERROR_SIZE] = {0};
  std::string from = "<" + s.from + ">";
  curl_slist* rcpt = curl_slist_append(nullptr, ("<" + to + ">").c_str());
  curl_easy_setopt(c, CURLOPT_URL, s.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  // smtp:// goes on only after STARTTLS; smtps:// is TLS from the first byte.
  curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(c, CURLOPT_SSLVERSION, static_cast<long>(CURL_SSLVERSION_TLSv1_2));
  if (!s.ca_file.empty()) {
    // A file of our own beside the system's store (CURLOPT_CAINFO alone would replace it).
    curl_easy_setopt(c, CURLOPT_CAINFO, s.ca_file.c_str());
    curl_easy_setopt(c, CURLOPT_CAPATH, "/etc/ssl/certs");
  }
  if (!s.user.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, s.user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, s.password.c_str());
  }
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, read_message);
  curl_easy_setopt(c, CURLOPT_READDATA, &reader);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(mime.size()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min<long long>(s.timeout.count(), 10000)));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(s.timeout.count()));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  CURLcode rc = curl_easy_perform(c);
  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  curl_slist_free_all(rcpt);
  std::string why;
  if (rc != CURLE_OK) {
    why = error[0] != 0 ? std::string(error) : std::string(curl_easy_strerror(rc));
    if (code > 0) why = "the mail server answered " + std::to_string(code) + ": " + why;
  }
  return classify_send(rc == CURLE_OK, static_cast<int>(code), rc == CURLE_LOGIN_DENIED, why);
}

}  // namespace concord::notifications
