// The state's lookups: the item index hashes an id a word at a time, so whatever the id's
// array holds past the id must not change where the item is found.

#include "lmx/core/state.hpp"

#include <gtest/gtest.h>

#include <string>

namespace lmx {
namespace {

// The id `text` with every byte of its array past the id set to `fill`, as a ring slot
// reused for a shorter id, or a decoder's whole-word copy, leaves it.
Sku with_tail(const std::string& text, char fill) {
  Sku sku = Sku::from(text);
  for (std::size_t i = text.size(); i < sku.bytes.size(); ++i) sku.bytes[i] = fill;
  return sku;
}

TEST(State, AnItemIsFoundWhateverItsIdArrayHoldsPastTheId) {
  for (const std::string& text : {std::string("a"), std::string("sku-0001"), std::string(9, 'x'),
                                  std::string(31, 'y'), std::string(32, 'z')}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(hash_sku(with_tail(text, '\0')), hash_sku(with_tail(text, '\x7f')));
    State state;
    state.add_item(with_tail(text, '\x55'), 10);
    const Item* item = state.find_item(with_tail(text, '\xaa'));
    ASSERT_NE(item, nullptr);
    EXPECT_EQ(item->price, 10);
  }
}

TEST(State, IdsThatDifferOnlyInTheirLastByteAreDifferentItems) {
  State state;
  state.add_item(Sku::from("sku-00001"), 1);
  state.add_item(Sku::from("sku-00002"), 2);
  state.add_item(Sku::from("sku-0000"), 3);
  EXPECT_EQ(state.find_item(Sku::from("sku-00001"))->price, 1);
  EXPECT_EQ(state.find_item(Sku::from("sku-00002"))->price, 2);
  EXPECT_EQ(state.find_item(Sku::from("sku-0000"))->price, 3);
  EXPECT_EQ(state.find_item(Sku::from("sku-00003")), nullptr);
}

TEST(FlatIndex, FirstCandidateIsTheEntryFindReturnsOrNone) {
  FlatIndex index;
  for (std::uint32_t i = 0; i < 5000; ++i) index.insert(hash_int64(i), i);
  for (std::uint32_t i = 0; i < 5000; ++i) {
    EXPECT_EQ(index.first_candidate(hash_int64(i)), i);
    EXPECT_EQ(index.find(hash_int64(i), [&](std::uint32_t j) { return j == i; }), i);
  }
  EXPECT_EQ(index.first_candidate(hash_int64(5000)), FlatIndex::npos);
}

}  // namespace
}  // namespace lmx
