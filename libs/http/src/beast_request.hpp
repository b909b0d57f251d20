#pragma once
// A client's request as Beast writes it, for the clients (client.cpp, client_stream.cpp). Private
// to libs/http: nothing outside it sees Beast.
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>
#include <string>

#include "concord/http/client.hpp"
#include "concord/http/message.hpp"

namespace concord::http {

inline boost::beast::http::verb beast_verb(Method m) {
  using boost::beast::http::verb;
  switch (m) {
    case Method::get:
      return verb::get;
    case Method::head:
      return verb::head;
    case Method::post:
      return verb::post;
    case Method::put:
      return verb::put;
    case Method::patch:
      return verb::patch;
    case Method::del:
      return verb::delete_;
    case Method::options:
      return verb::options;
    case Method::other:
      break;
  }
  return verb::get;
}

// `request` to `target` at `authority` (host:port), with its headers and body, its length set.
inline boost::beast::http::request<boost::beast::http::string_body> beast_request(const ClientRequest& request,
                                                                                  const std::string& target,
                                                                                  const std::string& authority) {
  namespace bhttp = boost::beast::http;
  bhttp::request<bhttp::string_body> req{beast_verb(request.method), target, 11};
  req.set(bhttp::field::host, authority);
  req.set(bhttp::field::user_agent, "concord");
  for (const auto& [k, v] : request.headers.fields()) req.set(k, v);
  req.body() = request.body;
  req.prepare_payload();
  return req;
}

}  // namespace concord::http
