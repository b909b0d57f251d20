#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "catalogue.hpp"
#include "embedded_messages.hpp"

using namespace concord;
using namespace concord::notifications;

TEST(Catalogues, english_and_russian_are_built_in_and_russian_translates_every_message) {
  auto c = Catalogues::load(embedded_message_files());
  ASSERT_TRUE(c) << c.error().detail;
  EXPECT_TRUE(c->has("en"));
  EXPECT_TRUE(c->has("ru"));
  auto en = nlohmann::json::parse(embedded_message_files().at("en"));
  auto ru = nlohmann::json::parse(embedded_message_files().at("ru"));
  for (const auto& [key, _] : en["messages"].items()) EXPECT_TRUE(ru["messages"].contains(key)) << key;
  for (const auto& [key, value] : en.items()) {
    if (value.is_string()) {
      EXPECT_TRUE(ru.contains(key)) << key;
    }
  }
}

TEST(Catalogues, a_language_is_added_as_a_file_and_missing_messages_fall_back_to_english) {
  auto files = embedded_message_files();
  files["ky"] = R"({"language": "ky", "messages": {"document.signed": {"title": "Кол коюлду: {document}", "body": "."}}})";
  auto c = Catalogues::load(files);
  ASSERT_TRUE(c) << c.error().detail;
  EXPECT_EQ(c->choose({"ky"}), "ky");
  EXPECT_EQ(c->render("ky", "document.signed", {{"document", "X"}}).title, "Кол коюлду: X");
  EXPECT_EQ(c->render("ky", "document.agreed", {{"document", "X"}}).title, "Document agreed: X");
}

TEST(Catalogues, the_language_is_chosen_in_order_of_preference) {
  auto c = *Catalogues::load(embedded_message_files());
  EXPECT_EQ(c.choose({"be", "ru-RU", "en"}), "ru");
  EXPECT_EQ(c.choose({"", "de"}), "en");
  EXPECT_EQ(c.choose({}), "en");
}

TEST(Catalogues, a_broken_catalogue_is_refused_with_its_language_named) {
  auto files = embedded_message_files();
  files["be"] = "{not json";
  auto c = Catalogues::load(files);
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().detail.find("'be'"), std::string::npos);
  EXPECT_FALSE(Catalogues::load({{"ru", embedded_message_files().at("ru")}}));
}

TEST(Catalogues, fill_replaces_named_values_and_leaves_the_rest) {
  EXPECT_EQ(fill("{a} and {b} and {", {{"a", "1"}}), "1 and {b} and {");
}

TEST(Catalogues, times_are_shown_in_the_zone_with_the_zone_named) {
  auto c = *Catalogues::load(embedded_message_files());
  auto t = *parse_rfc3339("2025-09-28T07:00:00Z");
  EXPECT_EQ(c.datetime("en", t, "Asia/Bishkek"), "2025-09-28 13:00 (Asia/Bishkek, UTC+06:00)");
  EXPECT_EQ(c.datetime("en", t, "America/St_Johns"), "2025-09-28 04:30 (America/St_Johns, UTC-02:30)");
  EXPECT_EQ(c.datetime("en", t, "Not/AZone"), "2025-09-28 07:00 (UTC, UTC+00:00)");
}
