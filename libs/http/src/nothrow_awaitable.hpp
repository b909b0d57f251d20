#pragma once
// How every coroutine of libs/http awaits Asio: the error comes back in a tuple with the result
// instead of as an exception. Private to libs/http.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace concord::http {

inline constexpr auto nothrow_awaitable = boost::asio::as_tuple(boost::asio::use_awaitable);

}  // namespace concord::http
