// The HTTP server's connections, seen from inside the process that serves them.

#include "service/http_service.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "../support/memory_backend.hpp"

namespace lmx::service {
namespace {

std::uint16_t local_port(int fd) {
  sockaddr_in address{};
  socklen_t size = sizeof(address);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) return 0;
  if (address.sin_family != AF_INET) return 0;
  return ntohs(address.sin_port);
}

bool has_peer(int fd) {
  sockaddr_in address{};
  socklen_t size = sizeof(address);
  return ::getpeername(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0;
}

// Reads one answer to a request whose reply ends with "}\n" (every JSON answer does).
std::string read_answer(int fd) {
  std::string answer;
  char buffer[4096];
  while (!answer.ends_with("}\n")) {
    const ssize_t got = ::recv(fd, buffer, sizeof(buffer), 0);
    if (got <= 0) break;
    answer.append(buffer, static_cast<std::size_t>(got));
  }
  return answer;
}

// An answer is written as headers, then body. With Nagle's algorithm on, the body would
// wait for the client's acknowledgement of the headers, which clients delay by up to
// 40 ms: every request would take that long on an idle engine. So every socket the server
// answers on sends at once.
TEST(HttpService, ConnectionsItAnswersOnSendSmallWritesAtOnce) {
  test::MemoryBackend backend;
  std::atomic<bool> stop{false};
  const Decoded<ListenAddress> address = ListenAddress::parse("127.0.0.1:0");
  ASSERT_TRUE(address);
  HttpService service(
      backend, ServiceOptions{.address = *address, .token = {}, .version = "test", .stop = &stop});
  const int port = service.start();
  ASSERT_GT(port, 0);

  const int client = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(client, 0);
  sockaddr_in server_address{};
  server_address.sin_family = AF_INET;
  server_address.sin_port = htons(static_cast<std::uint16_t>(port));
  server_address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(client, reinterpret_cast<sockaddr*>(&server_address), sizeof(server_address)),
            0);
  const std::string_view request = "GET /healthz HTTP/1.1\r\nHost: lmx\r\n\r\n";
  ASSERT_EQ(::send(client, request.data(), request.size(), 0),
            static_cast<ssize_t>(request.size()));
  const std::string answer = read_answer(client);
  ASSERT_TRUE(answer.starts_with("HTTP/1.1 200")) << answer;

  // The connection is kept alive, so the server's end of it is still open in this process.
  int answering = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    const int fd = std::atoi(entry.path().filename().c_str());
    if (fd == client || local_port(fd) != port || !has_peer(fd)) continue;
    int nodelay = 0;
    socklen_t size = sizeof(nodelay);
    ASSERT_EQ(::getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &nodelay, &size), 0);
    EXPECT_EQ(nodelay, 1) << "socket " << fd << " answers with Nagle's algorithm on";
    ++answering;
  }
  EXPECT_EQ(answering, 1);
  ::close(client);
  service.stop();
}

}  // namespace
}  // namespace lmx::service
