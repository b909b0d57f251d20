#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "notifications/domain/catalogue.hpp"
#include "notifications/domain/embedded_messages.hpp"

using namespace concord;
using namespace concord::notifications;

TEST(Catalogues, every_built_in_language_has_every_text_and_message_of_english) {
  auto c = Catalogues::load(embedded_message_files());
  ASSERT_TRUE(c) << c.error().detail;
  for (const char* lang : {"en", "ru", "ky", "be"}) EXPECT_TRUE(c->has(lang)) << lang;
  auto en = nlohmann::json::parse(embedded_message_files().at("en"));
  for (const auto& [lang, text] : embedded_message_files()) {
    auto other = nlohmann::json::parse(text);
    EXPECT_EQ(other["language"], lang);
    for (const auto& [key, _] : en["messages"].items())
      EXPECT_TRUE(other["messages"].contains(key)) << lang << " " << key;
    for (const auto& [key, value] : en.items()) EXPECT_TRUE(other.contains(key)) << lang << " " << key;
  }
}

TEST(Catalogues, kyrgyz_and_belarusian_are_written_in_their_own_letters) {
  auto c = *Catalogues::load(embedded_message_files());
  auto ky = c.render("ky", "meeting.cancelled", {{"meeting", "X"}, {"start", "S"}, {"reason", "R"}});
  EXPECT_EQ(ky.title, "Жолугушуу жокко чыгарылды: X");
  EXPECT_EQ(ky.body, "S боло турган «X» жолугушуусу жокко чыгарылды. Себеби: R.");
  auto be = c.render("be", "document.signed", {{"document", "X"}});
  EXPECT_EQ(be.title, "Дакумент падпісаны: X");
  EXPECT_NE(be.body.find("ўсімі"), std::string::npos);  // ў: Belarusian, not Russian
}

TEST(Catalogues, an_incomplete_catalogue_is_refused_so_no_member_reads_a_mix) {
  auto files = embedded_message_files();
  files["kk"] =
      R"({"language": "kk", "messages": {"document.signed": {"title": "Қол қойылды: {document}", "body": "."}}})";
  auto c = Catalogues::load(files);
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().detail.find("'kk' lacks"), std::string::npos) << c.error().detail;
}

TEST(Catalogues, a_language_is_added_as_a_complete_file) {
  auto files = embedded_message_files();
  auto kk = nlohmann::json::parse(files.at("en"));
  kk["language"] = "kk";
  kk["messages"]["document.signed"]["title"] = "Құжатқа қол қойылды: {document}";
  files["kk"] = kk.dump();
  auto c = Catalogues::load(files);
  ASSERT_TRUE(c) << c.error().detail;
  EXPECT_EQ(c->choose({"kk-KZ"}), "kk");
  EXPECT_EQ(c->render("kk", "document.signed", {{"document", "X"}}).title, "Құжатқа қол қойылды: X");
}

TEST(Catalogues, the_language_is_chosen_in_order_of_preference_else_the_configured_fallback) {
  auto c = *Catalogues::load(embedded_message_files());
  EXPECT_EQ(c.choose({"de", "be-BY", "en"}), "be");
  EXPECT_EQ(c.choose({"ky"}), "ky");
  EXPECT_EQ(c.choose({"", "de"}), "en");
  EXPECT_EQ(c.choose({}), "en");
  auto ru = *Catalogues::load(embedded_message_files(), "ru");
  EXPECT_EQ(ru.choose({"de", "uz"}), "ru");
  EXPECT_EQ(ru.render("de", "document.signed", {{"document", "X"}}).title, "Документ подписан: X");
  EXPECT_FALSE(Catalogues::load(embedded_message_files(), "de"));  // a fallback needs a catalogue
}

TEST(Catalogues, plural_categories_follow_cldr) {
  EXPECT_EQ(plural_category("ru", 1), "one");
  EXPECT_EQ(plural_category("ru", 21), "one");
  EXPECT_EQ(plural_category("ru", 11), "many");
  EXPECT_EQ(plural_category("be", 3), "few");
  EXPECT_EQ(plural_category("be", 24), "few");
  EXPECT_EQ(plural_category("be", 12), "many");
  EXPECT_EQ(plural_category("be", 5), "many");
  EXPECT_EQ(plural_category("en", 1), "one");
  EXPECT_EQ(plural_category("en", 24), "other");
  EXPECT_EQ(plural_category("ky", 2), "other");
}

TEST(Catalogues, reminder_leads_take_the_plural_form_of_their_number) {
  auto c = *Catalogues::load(embedded_message_files());
  using std::chrono::minutes;
  EXPECT_EQ(c.lead("ru", minutes(24 * 60)), "24 часа");
  EXPECT_EQ(c.lead("ru", minutes(60)), "1 час");
  EXPECT_EQ(c.lead("ru", minutes(5 * 60)), "5 часов");
  EXPECT_EQ(c.lead("ru", minutes(30)), "30 минут");
  EXPECT_EQ(c.lead("ru", minutes(21)), "21 минуту");
  EXPECT_EQ(c.lead("be", minutes(24 * 60)), "24 гадзіны");
  EXPECT_EQ(c.lead("be", minutes(60)), "1 гадзіну");
  EXPECT_EQ(c.lead("be", minutes(45)), "45 хвілін");
  EXPECT_EQ(c.lead("en", minutes(60)), "1 hour");
  EXPECT_EQ(c.lead("en", minutes(90)), "90 minutes");
  EXPECT_EQ(c.lead("ky", minutes(24 * 60)), "24 саат");
  auto ky = c.render("ky", "meeting.reminder", {{"lead", c.lead("ky", minutes(60))}, {"meeting", "X"}});
  EXPECT_EQ(ky.title, "Жолугушууга 1 саат калды: X");
}

TEST(Catalogues, a_counted_text_lacking_a_plural_form_of_its_language_is_refused) {
  auto files = embedded_message_files();
  auto ru = nlohmann::json::parse(files.at("ru"));
  ru["hours"] = {{"one", "{n} час"}, {"other", "{n} часа"}};  // no "few", no "many"
  files["ru"] = ru.dump();
  auto c = Catalogues::load(files);
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().detail.find("\"few\""), std::string::npos) << c.error().detail;
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
