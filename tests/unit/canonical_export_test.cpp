#include "canonical_export.hpp"

#include <gtest/gtest.h>

namespace lmx {
namespace {

TEST(CanonicalExport, SortsUsersNumericallyAndItemsByBytes) {
  State state;
  state.add_user(10).balance = 5;
  state.add_user(-2).balance = 0;
  state.add_user(9).balance = 7;
  state.add_item(Sku::from("b"), 3).remain = 1;
  state.add_item(Sku::from("B"), 4).remain = 2;
  state.add_item(Sku::from("\xc3\xa9"), 5).remain = 3;  // é sorts after ASCII by bytes
  state.add_item(Sku::from("a\"q"), 6).remain = 4;
  std::string out;
  append_canonical_export(state, out);
  EXPECT_EQ(out,
            "{\"user_id\":-2,\"balance\":0}\n"
            "{\"user_id\":9,\"balance\":7}\n"
            "{\"user_id\":10,\"balance\":5}\n"
            "{\"item_id\":\"B\",\"price\":4,\"remain\":2}\n"
            "{\"item_id\":\"a\\\"q\",\"price\":6,\"remain\":4}\n"
            "{\"item_id\":\"b\",\"price\":3,\"remain\":1}\n"
            "{\"item_id\":\"\xc3\xa9\",\"price\":5,\"remain\":3}\n");
}

TEST(CanonicalExport, EmptyStateIsEmpty) {
  std::string out;
  append_canonical_export(State{}, out);
  EXPECT_EQ(out, "");
}

TEST(State, FindsAfterGrowthAndAssignRejectsDuplicates) {
  State state;
  for (std::int64_t id = 0; id < 5000; ++id) state.add_user(id * 7919).balance = id;
  for (std::int64_t id = 0; id < 5000; ++id) {
    ASSERT_NE(state.find_user(id * 7919), nullptr);
    EXPECT_EQ(state.find_user(id * 7919)->balance, id);
  }
  EXPECT_EQ(state.find_user(1), nullptr);
  State copy;
  copy.assign({state.users().begin(), state.users().end()}, {});
  EXPECT_TRUE(copy == state);
  EXPECT_THROW(copy.assign({User{1, 0}, User{1, 2}}, {}), std::invalid_argument);
}

}  // namespace
}  // namespace lmx
