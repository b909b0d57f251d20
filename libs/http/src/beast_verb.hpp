#pragma once
// The Beast verb of a request's method, for the clients (client.cpp, client_stream.cpp). Private
// to libs/http: nothing outside it sees Beast.
#include <boost/beast/http/verb.hpp>

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

}  // namespace concord::http
