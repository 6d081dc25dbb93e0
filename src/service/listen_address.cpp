#include "service/listen_address.hpp"

#include <charconv>

namespace lmx::service {

Decoded<ListenAddress> ListenAddress::parse(std::string_view text) {
  using Result = Decoded<ListenAddress>;
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return Result::failure("expected HOST:PORT, e.g. 127.0.0.1:8080");
  }
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return Result::failure("expected [IPV6]:PORT");
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return Result::failure("write an IPv6 address in brackets: [::1]:8080");
  }
  std::uint16_t port = 0;
  const auto [end, error] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || error != std::errc{} || end != port_text.data() + port_text.size()) {
    return Result::failure("the port must be a number from 0 to 65535");
  }
  return ListenAddress{std::string(host), port};
}

bool ListenAddress::loopback() const noexcept {
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

std::string token_from_file_text(std::string_view text) {
  text = text.substr(0, text.find('\n'));
  const std::size_t first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const std::size_t last = text.find_last_not_of(" \t\r");
  return std::string(text.substr(first, last - first + 1));
}

bool bearer_matches(std::string_view header, std::string_view token) noexcept {
  constexpr std::string_view scheme = "Bearer ";
  if (!header.starts_with(scheme) || token.empty()) return false;
  const std::string_view given = header.substr(scheme.size());
  if (given.size() != token.size()) return false;
  unsigned char difference = 0;
  for (std::size_t i = 0; i < token.size(); ++i) {
    difference |= static_cast<unsigned char>(given[i] ^ token[i]);
  }
  return difference == 0;
}

}  // namespace lmx::service
