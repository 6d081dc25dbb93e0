#pragma once
// The outcome of decoding untrusted bytes or text: a value, or the reason there is none.
//
// Decoders report through this one type (native events and results, seed entries, JSON
// lines, Redis entries, positions, Redis URLs): malformed input is a result, never an
// exception and never an assert. The reason is a static string ("unknown type", "data ends
// inside a msgpack value"): returned from the hot path without allocating, and valid for as
// long as the program runs.
//
//   Decoded<Position> position = Position::parse(text);   // the value, or why not
//   if (!position) fail(position.error());
//
//   Decoded<> decoded = decode_event(bytes, slot);         // decodes in place (a ring slot)
//
// Readers that must say more than a static reason stay apart: the journal's record parser
// (journal_record.hpp) tells a torn tail from damage and where the next record starts, and
// the snapshot decoder throws a message holding offsets and counts (snapshot_codec.hpp).

#include <concepts>
#include <type_traits>
#include <utility>

#include "lmx/assert.hpp"

namespace lmx {

template <class T = void>
class [[nodiscard]] Decoded {
  static_assert(std::default_initializable<T>, "a failed Decoded holds a default value");

 public:
  // Implicit, so that a decoder ends with `return value;`.
  Decoded(T value) noexcept(std::is_nothrow_move_constructible_v<T>) : value_(std::move(value)) {}

  [[nodiscard]] static Decoded failure(const char* why) noexcept {
    LMX_ASSERT(why != nullptr);
    Decoded decoded;
    decoded.error_ = why;
    return decoded;
  }

  [[nodiscard]] bool ok() const noexcept { return error_ == nullptr; }
  explicit operator bool() const noexcept { return ok(); }

  // Why decoding failed; nullptr when it did not.
  [[nodiscard]] const char* error() const noexcept { return error_; }

  [[nodiscard]] const T& value() const& noexcept {
    LMX_ASSERT(ok());
    return value_;
  }
  [[nodiscard]] T&& value() && noexcept {
    LMX_ASSERT(ok());
    return std::move(value_);
  }
  [[nodiscard]] const T& operator*() const& noexcept { return value(); }
  [[nodiscard]] const T* operator->() const noexcept { return &value(); }

  friend bool operator==(const Decoded& decoded, const T& value) {
    return decoded.ok() && decoded.value_ == value;
  }

 private:
  Decoded() = default;

  T value_{};
  const char* error_ = nullptr;
};

// A decoder that writes into a slot the caller owns reports only whether it could.
template <>
class [[nodiscard]] Decoded<void> {
 public:
  [[nodiscard]] static Decoded success() noexcept { return Decoded(); }

  [[nodiscard]] static Decoded failure(const char* why) noexcept {
    LMX_ASSERT(why != nullptr);
    Decoded decoded;
    decoded.error_ = why;
    return decoded;
  }

  [[nodiscard]] bool ok() const noexcept { return error_ == nullptr; }
  explicit operator bool() const noexcept { return ok(); }

  // Why decoding failed; nullptr when it did not.
  [[nodiscard]] const char* error() const noexcept { return error_; }

 private:
  Decoded() = default;

  const char* error_ = nullptr;
};

}  // namespace lmx
