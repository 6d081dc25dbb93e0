#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "lmx/core/backend.hpp"

namespace lmx {
namespace {

// A mistyped scheme must not print the password that follows it (to a terminal, a log
// collector, a CI transcript).
TEST(OpenBackend, UnknownSchemeNeverEchoesTheUrl) {
  const char* mistyped[] = {"rediss://user:s3cret@host:6379",
                            "REDIS://:s3cret@host:6379",
                            "Redis://:s3cret@host:6379",
                            " redis://:s3cret@host:6379",
                            "redis:/:s3cret@host:6379",
                            "redis//:s3cret@host:6379",
                            "s3cret"};
  for (const char* url : mistyped) {
    try {
      (void)open_backend(url);
      ADD_FAILURE() << "accepted a mistyped URL";
    } catch (const std::invalid_argument& e) {
      const std::string message = e.what();
      EXPECT_EQ(message.find("s3cret"), std::string::npos) << message;
      EXPECT_NE(message.find("file:DIR or redis://"), std::string::npos) << message;
    }
  }
}

TEST(OpenBackend, UnknownSchemeIsNamedWhenItIsAPlainWord) {
  try {
    (void)open_backend("rediss://user:s3cret@host:6379");
    ADD_FAILURE() << "accepted rediss://";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("scheme 'rediss'"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace lmx
