// The one translation unit that compiles Boost.Asio (BOOST_ASIO_SEPARATE_COMPILATION), its SSL
// part included (the HTTPS client).
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
