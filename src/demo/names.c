/*
 * Names for the demo company: countries, industries and size bands with their weights, company
 * names per language (Vietnamese ones with correct diacritics and the legal forms Vietnamese
 * firms use: "Công ty TNHH", "Công ty Cổ phần", "Tập đoàn"), person names (Vietnamese family,
 * middle and given names; English, Singaporean, Japanese, Thai, Indonesian and German ones),
 * job titles by buying-committee role, and the company's own 40 people.
 *
 * Every name comes with an ASCII slug for domains and emails ("Hòa Bình" -> "hoabinh",
 * "Müller" -> "mueller"), written out in the tables rather than transliterated in code.
 *
 * Company names are unique per language until every (core, qualifier) pair has been used:
 * the n-th company of a language takes pair `n * step mod pairs` (step coprime with the pair
 * count, so the sequence is a permutation that does not look ordered); from the second round
 * on the domain stem gets the round number ("minhphatsaigon2"), so domains never repeat.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include "demo/internal.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct nm {
    const char *s, *slug;
};

/* ---------------------------------------------------------------- firmographics */

const struct demo_country jm__demo_countries[] = {
    {"Vietnam", "APAC", LANG_VI, 7, 380, ".vn", OFF_HCMC, {"", "", ""}},
    {"Singapore",
     "APAC",
     LANG_SG,
     8,
     90,
     ".com.sg",
     OFF_SINGAPORE,
     {"Pte. Ltd.", "Pte. Ltd.", "Ltd."}},
    {"Thailand",
     "APAC",
     LANG_TH,
     7,
     60,
     ".co.th",
     OFF_SINGAPORE,
     {"Co., Ltd.", "Co., Ltd.", "Public Company Limited"}},
    {"Indonesia", "APAC", LANG_ID, 7, 60, ".co.id", OFF_SINGAPORE, {"", "", "Tbk"}},
    {"Malaysia",
     "APAC",
     LANG_EN,
     8,
     35,
     ".com.my",
     OFF_SINGAPORE,
     {"Sdn. Bhd.", "Sdn. Bhd.", "Berhad"}},
    {"Philippines", "APAC", LANG_EN, 8, 25, ".ph", OFF_SINGAPORE, {"Inc.", "Inc.", "Corporation"}},
    {"Japan",
     "APAC",
     LANG_JA,
     9,
     45,
     ".co.jp",
     OFF_SINGAPORE,
     {"Co., Ltd.", "K.K.", "Corporation"}},
    {"Australia",
     "APAC",
     LANG_EN,
     10,
     30,
     ".com.au",
     OFF_SINGAPORE,
     {"Pty Ltd", "Pty Ltd", "Limited"}},
    {"United States",
     "Americas",
     LANG_EN,
     -5,
     120,
     ".com",
     OFF_NEW_YORK,
     {"LLC", "Inc.", "Corporation"}},
    {"United Kingdom", "EMEA", LANG_EN, 0, 70, ".co.uk", OFF_LONDON, {"Ltd", "Ltd", "plc"}},
    {"Germany", "EMEA", LANG_DE, 1, 45, ".de", OFF_LONDON, {"GmbH", "GmbH", "AG"}},
};
const unsigned jm__demo_n_countries = N(jm__demo_countries);

/* Words per language: vi, en, sg, ja, th, id, de (sg/ja/th firms name themselves in English). */
#define W(vi, en, id, de)                                                                          \
    {                                                                                              \
        vi, en, en, en, en, id, de                                                                 \
    }
const struct demo_industry jm__demo_industries[] = {
    {"SaaS", 16, 0.85, false, W("Công nghệ", "Software", "Teknologi", "Software")},
    {"Manufacturing", 13, 0.50, false, W("Sản xuất", "Industries", "Manufaktur", "Maschinenbau")},
    {"Logistics", 13, 0.80, false, W("Vận tải", "Logistics", "Logistik", "Logistik")},
    {"Retail & e-commerce", 12, 0.70, false, W("Thương mại", "Retail", "Ritel", "Handel")},
    {"Fintech", 9, 0.75, true, W("Tài chính", "Financial", "Keuangan", "Finanz")},
    {"Healthcare", 8, 0.45, true, W("Dược phẩm", "Health", "Kesehatan", "Gesundheit")},
    {"Education", 8, 0.60, false, W("Giáo dục", "Learning", "Pendidikan", "Bildung")},
    {"Real estate", 7, 0.55, false, W("Địa ốc", "Properties", "Properti", "Immobilien")},
    {"Professional services", 7, 0.70, false, W("Tư vấn", "Consulting", "Konsultan", "Beratung")},
    {"Hospitality & travel", 4, 0.40, false, W("Du lịch", "Travel", "Wisata", "Reisen")},
    {"Media & marketing", 3, 0.65, false, W("Truyền thông", "Media", "Media", "Medien")},
};
const unsigned jm__demo_n_industries = N(jm__demo_industries);

const struct demo_size_band jm__demo_bands[] = {
    {"1-10", 3, 10, SEG_SMB, 12},         {"11-50", 11, 50, SEG_SMB, 25},
    {"51-200", 51, 200, SEG_SMB, 20},     {"201-500", 201, 500, SEG_MID, 17},
    {"501-1000", 501, 1000, SEG_MID, 11}, {"1001-5000", 1001, 5000, SEG_ENT, 10},
    {"5001+", 5001, 60000, SEG_ENT, 5},
};
const unsigned jm__demo_n_bands = N(jm__demo_bands);

/* ---------------------------------------------------------------- company names */

static const struct nm vi_cores[] = {
    {"Minh Phát", "minhphat"},   {"Hòa Bình", "hoabinh"},       {"An Khang", "ankhang"},
    {"Thành Công", "thanhcong"}, {"Phú Thịnh", "phuthinh"},     {"Tân Việt", "tanviet"},
    {"Hưng Thịnh", "hungthinh"}, {"Đại Phát", "daiphat"},       {"Sao Mai", "saomai"},
    {"Hoàng Long", "hoanglong"}, {"Việt Tiến", "viettien"},     {"Phương Nam", "phuongnam"},
    {"Trường Sơn", "truongson"}, {"Bình Minh", "binhminh"},     {"Kim Long", "kimlong"},
    {"Nam Việt", "namviet"},     {"Đông Á", "donga"},           {"Thiên Long", "thienlong"},
    {"Vạn Xuân", "vanxuan"},     {"Hồng Hà", "hongha"},         {"Cửu Long", "cuulong"},
    {"Phú Gia", "phugia"},       {"Thịnh Vượng", "thinhvuong"}, {"Hải Đăng", "haidang"},
    {"Ánh Dương", "anhduong"},   {"Sông Hàn", "songhan"},       {"Tây Nguyên", "taynguyen"},
    {"Bảo Minh", "baominh"},     {"Gia Huy", "giahuy"},         {"Đức Tài", "ductai"},
    {"Quang Minh", "quangminh"}, {"Phúc Lộc", "phucloc"},       {"Tiến Phát", "tienphat"},
    {"Lạc Hồng", "lachong"},     {"Việt Á", "vieta"},           {"Sen Vàng", "senvang"},
    {"Nhật Minh", "nhatminh"},   {"Khải Hoàn", "khaihoan"},     {"Trí Việt", "triviet"},
    {"Toàn Thắng", "toanthang"}, {"Ngọc Lan", "ngoclan"},       {"Long Hải", "longhai"},
    {"An Phú", "anphu"},         {"Bến Thành", "benthanh"},     {"Duy Tân", "duytan"},
    {"Hưng Phát", "hungphat"},   {"Tâm Đức", "tamduc"},         {"Thuận Phong", "thuanphong"},
    {"Kiến Việt", "kienviet"},   {"Đồng Tâm", "dongtam"},       {"Tràng An", "trangan"},
    {"Phú Quý", "phuquy"},       {"Hữu Nghị", "huunghi"},       {"Thăng Long", "thanglong"},
};
static const struct nm vi_quals[] = {
    {"", ""},
    {"Sài Gòn", "saigon"},
    {"Hà Nội", "hanoi"},
    {"Việt Nam", "vietnam"},
    {"Miền Nam", "miennam"},
    {"Đà Nẵng", "danang"},
    {"Toàn Cầu", "toancau"},
    {"Quốc tế", "quocte"},
};
static const struct nm en_cores[] = {
    {"Northwind", "northwind"},   {"Bluepeak", "bluepeak"},       {"Harborline", "harborline"},
    {"Crescent", "crescent"},     {"Ironbridge", "ironbridge"},   {"Silverline", "silverline"},
    {"Redwood", "redwood"},       {"Lighthouse", "lighthouse"},   {"Evergreen", "evergreen"},
    {"Brightwave", "brightwave"}, {"Oakridge", "oakridge"},       {"Keystone", "keystone"},
    {"Pioneer", "pioneer"},       {"Granite", "granite"},         {"Meridian", "meridian"},
    {"Cobalt", "cobalt"},         {"Kestrel", "kestrel"},         {"Juniper", "juniper"},
    {"Riverstone", "riverstone"}, {"Stonegate", "stonegate"},     {"Westbrook", "westbrook"},
    {"Bayview", "bayview"},       {"Clearwater", "clearwater"},   {"Highland", "highland"},
    {"Larkspur", "larkspur"},     {"Copperfield", "copperfield"}, {"Brookside", "brookside"},
    {"Blackwood", "blackwood"},   {"Foxglove", "foxglove"},       {"Ashford", "ashford"},
    {"Tidewater", "tidewater"},   {"Starling", "starling"},       {"Beacon", "beacon"},
    {"Orchard", "orchard"},       {"Northstar", "northstar"},     {"Ridgeway", "ridgeway"},
    {"Halcyon", "halcyon"},       {"Wavecrest", "wavecrest"},     {"Pinecrest", "pinecrest"},
    {"Driftwood", "driftwood"},   {"Marlow", "marlow"},           {"Prairie", "prairie"},
};
static const struct nm en_quals[] = {
    {"", ""},           {"Group", "group"},        {"Global", "global"},
    {"Labs", "labs"},   {"Holdings", "holdings"},  {"Systems", "systems"},
    {"Works", "works"}, {"Solutions", "solutions"}};
static const struct nm sg_cores[] = {
    {"Lion City", "lioncity"}, {"Jade Harbour", "jadeharbour"},
    {"Orchid", "orchid"},      {"Straits", "straits"},
    {"Marina", "marina"},      {"Kallang", "kallang"},
    {"Tanjong", "tanjong"},    {"Golden Phoenix", "goldenphoenix"},
    {"Red Dot", "reddot"},     {"Eastern Pearl", "easternpearl"},
    {"Kim Seng", "kimseng"},   {"Hock Lee", "hocklee"},
    {"Teck Soon", "tecksoon"}, {"Yong Tai", "yongtai"},
    {"Ming Hua", "minghua"},
};
static const struct nm ja_cores[] = {
    {"Sakura", "sakura"},       {"Aozora", "aozora"},       {"Hoshino", "hoshino"},
    {"Midori", "midori"},       {"Yamato", "yamato"},       {"Takumi", "takumi"},
    {"Shinsei", "shinsei"},     {"Nishikawa", "nishikawa"}, {"Fujimoto", "fujimoto"},
    {"Kitaguchi", "kitaguchi"}, {"Hikari", "hikari"},       {"Tsubasa", "tsubasa"},
    {"Kaede", "kaede"},         {"Minato", "minato"},       {"Hinode", "hinode"},
};
static const struct nm th_cores[] = {
    {"Siam", "siam"},           {"Chao Phraya", "chaophraya"}, {"Rattana", "rattana"},
    {"Sukhothai", "sukhothai"}, {"Thanakorn", "thanakorn"},    {"Krungthep", "krungthep"},
    {"Lanna", "lanna"},         {"Ayutthaya", "ayutthaya"},    {"Saengthong", "saengthong"},
    {"Wattana", "wattana"},     {"Pattana", "pattana"},        {"Srisawat", "srisawat"},
};
static const struct nm id_cores[] = {
    {"Maju Bersama", "majubersama"},     {"Sinar Jaya", "sinarjaya"},
    {"Karya Abadi", "karyaabadi"},       {"Mitra Sejahtera", "mitrasejahtera"},
    {"Cahaya Timur", "cahayatimur"},     {"Bumi Raya", "bumiraya"},
    {"Sentosa Makmur", "sentosamakmur"}, {"Indah Permata", "indahpermata"},
    {"Samudra Biru", "samudrabiru"},     {"Garuda Mas", "garudamas"},
    {"Surya Kencana", "suryakencana"},   {"Tunas Baru", "tunasbaru"},
};
static const struct nm id_quals[] = {{"", ""},
                                     {"Indonesia", "indonesia"},
                                     {"Utama", "utama"},
                                     {"Persada", "persada"},
                                     {"Nusantara", "nusantara"}};
static const struct nm de_cores[] = {
    {"Rheinwerk", "rheinwerk"},
    {"Nordlicht", "nordlicht"},
    {"Bergmann", "bergmann"},
    {"Alpenblick", "alpenblick"},
    {"Hansa", "hansa"},
    {"Elbtal", "elbtal"},
    {"Isartal", "isartal"},
    {"Sonnenberg", "sonnenberg"},
    {"Falkenstein", "falkenstein"},
    {"Lindenhof", "lindenhof"},
    {"Weißenfels", "weissenfels"},
    {"Grünwald", "gruenwald"},
    {"Mühlbach", "muehlbach"},
    {"Brückner", "brueckner"},
};
static const struct nm de_quals[] = {{"", ""},
                                     {"Gruppe", "gruppe"},
                                     {"Technik", "technik"},
                                     {"Partner", "partner"},
                                     {"Systeme", "systeme"}};

struct name_pool {
    const struct nm *cores, *quals;
    unsigned n_cores, n_quals;
};
#define POOL(c, q)                                                                                 \
    {                                                                                              \
        c, q, N(c), N(q)                                                                           \
    }
static const struct name_pool pools[LANG__COUNT] = {
    [LANG_VI] = POOL(vi_cores, vi_quals), [LANG_EN] = POOL(en_cores, en_quals),
    [LANG_SG] = POOL(sg_cores, en_quals), [LANG_JA] = POOL(ja_cores, en_quals),
    [LANG_TH] = POOL(th_cores, en_quals), [LANG_ID] = POOL(id_cores, id_quals),
    [LANG_DE] = POOL(de_cores, de_quals),
};

static uint32_t gcd32(uint32_t a, uint32_t b)
{
    while (b) {
        uint32_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* Joins non-empty parts with single spaces into `out`. */
static void join(char *out, size_t cap, const char *const *parts, unsigned n)
{
    size_t len = 0;
    out[0] = '\0';
    for (unsigned i = 0; i < n && len + 1 < cap; i++) {
        if (!parts[i] || !parts[i][0])
            continue;
        int w = snprintf(out + len, cap - len, "%s%s", len ? " " : "", parts[i]);
        if (w < 0)
            break;
        len += (size_t)w;
    }
}

/* Vietnamese firms: "Công ty TNHH Thương mại Minh Phát", sometimes with the English industry
 * word last, the way many present themselves ("Tập đoàn Hòa Bình Logistics"). */
static void vi_company(struct demo_company_name *out, const struct nm *core, const struct nm *qual,
                       unsigned industry, unsigned segment, struct demo_rng *r)
{
    static const char *const legal[3] = {"Công ty TNHH", "Công ty Cổ phần", "Tập đoàn"};
    const struct demo_industry *ind = &jm__demo_industries[industry];
    bool en_last = rng_chance(r, 0.25);
    const char *parts[5] = {legal[segment], en_last ? NULL : ind->word[LANG_VI], core->s, qual->s,
                            en_last ? ind->word[LANG_EN] : NULL};
    join(out->name, sizeof(out->name), parts, 5);
}

void jm__demo_company_name(struct demo_company_name *out, unsigned lang, uint32_t ordinal,
                           const struct demo_country *c, unsigned industry, unsigned segment,
                           struct demo_rng *r)
{
    const struct name_pool *p = &pools[lang];
    uint32_t pairs = p->n_cores * p->n_quals, step = 7919;
    while (gcd32(step, pairs) != 1)
        step += 2;
    uint32_t k = (uint32_t)(((uint64_t)ordinal * step + 11) % pairs), round = ordinal / pairs;
    const struct nm *core = &p->cores[k % p->n_cores], *qual = &p->quals[k / p->n_cores];
    const char *word = jm__demo_industries[industry].word[lang];
    const char *parts[2] = {core->s, qual->s};
    join(out->short_name, sizeof(out->short_name), parts, 2);
    if (round)
        snprintf(out->stem, sizeof(out->stem), "%s%s%u", core->slug, qual->slug, round + 1);
    else
        snprintf(out->stem, sizeof(out->stem), "%s%s", core->slug, qual->slug);
    if (lang == LANG_VI) {
        vi_company(out, core, qual, industry, segment, r);
    } else if (lang == LANG_ID) {
        const char *np[5] = {"PT", core->s, word, qual->s, c->legal[segment]};
        join(out->name, sizeof(out->name), np, 5);
    } else {
        const char *np[4] = {core->s, word, qual->s, c->legal[segment]};
        join(out->name, sizeof(out->name), np, 4);
    }
}

/* ---------------------------------------------------------------- person names */

/* Vietnamese family names with rough frequencies (Nguyễn is about 38%). */
static const struct nm vi_family[] = {
    {"Nguyễn", "n"}, {"Trần", "t"}, {"Lê", "l"},    {"Phạm", "p"}, {"Hoàng", "h"}, {"Huỳnh", "h"},
    {"Phan", "p"},   {"Vũ", "v"},   {"Võ", "v"},    {"Đặng", "d"}, {"Bùi", "b"},   {"Đỗ", "d"},
    {"Hồ", "h"},     {"Ngô", "n"},  {"Dương", "d"}, {"Lý", "l"},   {"Trịnh", "t"}, {"Đinh", "d"}};
static const uint8_t vi_family_w[] = {38, 11, 9, 7, 5, 5, 4, 4, 4, 2, 2, 2, 2, 2, 1, 1, 1, 1};
static const struct nm vi_middle[2][10] = {{{"Văn", "v"},
                                            {"Hữu", "h"},
                                            {"Đức", "d"},
                                            {"Minh", "m"},
                                            {"Quang", "q"},
                                            {"Thành", "t"},
                                            {"Công", "c"},
                                            {"Hoàng", "h"},
                                            {"Tuấn", "t"},
                                            {"Quốc", "q"}},
                                           {{"Thị", "t"},
                                            {"Ngọc", "n"},
                                            {"Thu", "t"},
                                            {"Thanh", "t"},
                                            {"Mai", "m"},
                                            {"Hồng", "h"},
                                            {"Thùy", "t"},
                                            {"Bảo", "b"},
                                            {"Phương", "p"},
                                            {"Kim", "k"}}};
static const struct nm vi_given[2][20] = {
    {{"Hùng", "hung"}, {"Dũng", "dung"}, {"Tuấn", "tuan"},   {"Minh", "minh"}, {"Nam", "nam"},
     {"Long", "long"}, {"Hải", "hai"},   {"Phong", "phong"}, {"Quân", "quan"}, {"Khoa", "khoa"},
     {"Bảo", "bao"},   {"Huy", "huy"},   {"Thắng", "thang"}, {"Sơn", "son"},   {"Trung", "trung"},
     {"Đạt", "dat"},   {"Việt", "viet"}, {"Khánh", "khanh"}, {"Phúc", "phuc"}, {"Lâm", "lam"}},
    {{"Lan", "lan"},       {"Hương", "huong"}, {"Linh", "linh"},   {"Trang", "trang"},
     {"Thảo", "thao"},     {"Ngọc", "ngoc"},   {"Hà", "ha"},       {"Mai", "mai"},
     {"Phương", "phuong"}, {"Vy", "vy"},       {"Anh", "anh"},     {"Hạnh", "hanh"},
     {"Yến", "yen"},       {"Nhung", "nhung"}, {"Trinh", "trinh"}, {"Thủy", "thuy"},
     {"Giang", "giang"},   {"Nhi", "nhi"},     {"Oanh", "oanh"},   {"Quỳnh", "quynh"}}};

static const struct nm en_first[] = {
    {"James", "james"},     {"Emma", "emma"},     {"Olivia", "olivia"},   {"Liam", "liam"},
    {"Noah", "noah"},       {"Sophia", "sophia"}, {"Ava", "ava"},         {"Michael", "michael"},
    {"David", "david"},     {"Sarah", "sarah"},   {"Jessica", "jessica"}, {"Daniel", "daniel"},
    {"Matthew", "matthew"}, {"Laura", "laura"},   {"Chloe", "chloe"},     {"Ryan", "ryan"},
    {"Grace", "grace"},     {"Thomas", "thomas"}, {"Hannah", "hannah"},   {"Benjamin", "benjamin"},
    {"Rachel", "rachel"},   {"Andrew", "andrew"}, {"Megan", "megan"},     {"Nathan", "nathan"},
    {"Zoe", "zoe"},         {"Ethan", "ethan"},   {"Amelia", "amelia"},   {"Jack", "jack"}};
static const struct nm en_last[] = {
    {"Smith", "smith"},       {"Johnson", "johnson"}, {"Brown", "brown"},
    {"Taylor", "taylor"},     {"Wilson", "wilson"},   {"Davies", "davies"},
    {"Evans", "evans"},       {"Walker", "walker"},   {"Wright", "wright"},
    {"Thompson", "thompson"}, {"Harris", "harris"},   {"Martin", "martin"},
    {"Clarke", "clarke"},     {"Lewis", "lewis"},     {"Robinson", "robinson"},
    {"Hughes", "hughes"},     {"Edwards", "edwards"}, {"Green", "green"},
    {"Hall", "hall"},         {"Turner", "turner"},   {"Mitchell", "mitchell"},
    {"Carter", "carter"},     {"Parker", "parker"},   {"Collins", "collins"},
    {"Murphy", "murphy"},     {"Cooper", "cooper"},   {"Reed", "reed"},
    {"Bailey", "bailey"}};
static const struct nm sg_family[] = {
    {"Tan", "tan"},   {"Lim", "lim"}, {"Lee", "lee"},   {"Ng", "ng"},   {"Ong", "ong"},
    {"Wong", "wong"}, {"Goh", "goh"}, {"Chua", "chua"}, {"Koh", "koh"}, {"Teo", "teo"},
    {"Chan", "chan"}, {"Yeo", "yeo"}, {"Ang", "ang"},   {"Lau", "lau"}};
static const struct nm sg_given[] = {
    {"Wei Ming", "weiming"},   {"Hui Min", "huimin"}, {"Jia Hui", "jiahui"},
    {"Kai Xiang", "kaixiang"}, {"Xin Yi", "xinyi"},   {"Jun Jie", "junjie"},
    {"Mei Ling", "meiling"},   {"Zhi Hao", "zhihao"}, {"Shu Fen", "shufen"},
    {"Wen Jie", "wenjie"},     {"Li Ting", "liting"}, {"Yong Sheng", "yongsheng"}};
static const struct nm ja_first[] = {
    {"Haruto", "haruto"},   {"Yuto", "yuto"},       {"Sota", "sota"},   {"Ren", "ren"},
    {"Hiroshi", "hiroshi"}, {"Takeshi", "takeshi"}, {"Kenji", "kenji"}, {"Daiki", "daiki"},
    {"Yui", "yui"},         {"Aoi", "aoi"},         {"Hina", "hina"},   {"Yuki", "yuki"},
    {"Mei", "mei"},         {"Emi", "emi"},         {"Naoko", "naoko"}, {"Akiko", "akiko"}};
static const struct nm ja_last[] = {
    {"Sato", "sato"},         {"Suzuki", "suzuki"},     {"Takahashi", "takahashi"},
    {"Tanaka", "tanaka"},     {"Watanabe", "watanabe"}, {"Ito", "ito"},
    {"Yamamoto", "yamamoto"}, {"Nakamura", "nakamura"}, {"Kobayashi", "kobayashi"},
    {"Kato", "kato"},         {"Yoshida", "yoshida"},   {"Yamada", "yamada"}};
static const struct nm th_first[] = {
    {"Somchai", "somchai"},     {"Sompong", "sompong"},     {"Anan", "anan"},
    {"Kittipong", "kittipong"}, {"Nattapong", "nattapong"}, {"Wichai", "wichai"},
    {"Suda", "suda"},           {"Siriporn", "siriporn"},   {"Malee", "malee"},
    {"Pimchanok", "pimchanok"}, {"Kanya", "kanya"},         {"Arthit", "arthit"}};
static const struct nm th_last[] = {{"Srisuk", "srisuk"},         {"Wongsakul", "wongsakul"},
                                    {"Chaiyaporn", "chaiyaporn"}, {"Rattanakorn", "rattanakorn"},
                                    {"Suwannarat", "suwannarat"}, {"Boonmee", "boonmee"},
                                    {"Thongchai", "thongchai"},   {"Phromma", "phromma"},
                                    {"Saelim", "saelim"},         {"Kaewmanee", "kaewmanee"}};
static const struct nm id_first[] = {{"Budi", "budi"},   {"Agus", "agus"},    {"Dewi", "dewi"},
                                     {"Siti", "siti"},   {"Rina", "rina"},    {"Andi", "andi"},
                                     {"Eko", "eko"},     {"Putri", "putri"},  {"Rizky", "rizky"},
                                     {"Fajar", "fajar"}, {"Indah", "indah"},  {"Wahyu", "wahyu"},
                                     {"Ayu", "ayu"},     {"Hendra", "hendra"}};
static const struct nm id_last[] = {
    {"Santoso", "santoso"}, {"Wijaya", "wijaya"},     {"Pratama", "pratama"},
    {"Saputra", "saputra"}, {"Hidayat", "hidayat"},   {"Kusuma", "kusuma"},
    {"Rahayu", "rahayu"},   {"Setiawan", "setiawan"}, {"Nugroho", "nugroho"},
    {"Lestari", "lestari"}, {"Gunawan", "gunawan"}};
static const struct nm de_first[] = {
    {"Lukas", "lukas"},   {"Leon", "leon"},           {"Finn", "finn"},
    {"Jonas", "jonas"},   {"Felix", "felix"},         {"Maximilian", "maximilian"},
    {"Anna", "anna"},     {"Lena", "lena"},           {"Julia", "julia"},
    {"Sophie", "sophie"}, {"Katharina", "katharina"}, {"Jürgen", "juergen"},
    {"Sören", "soeren"},  {"Jörg", "joerg"}};
static const struct nm de_last[] = {
    {"Müller", "mueller"},    {"Schmidt", "schmidt"}, {"Schneider", "schneider"},
    {"Fischer", "fischer"},   {"Weber", "weber"},     {"Meyer", "meyer"},
    {"Wagner", "wagner"},     {"Becker", "becker"},   {"Schulz", "schulz"},
    {"Hoffmann", "hoffmann"}, {"Köhler", "koehler"},  {"Schäfer", "schaefer"},
    {"Krüger", "krueger"},    {"Weiß", "weiss"}};

#define ANY(r, tab) (&(tab)[rng_below((r), N(tab))])

/* "Trần Văn Hùng" <hungtv@...>: given name plus the initials of family and middle names, the
 * way Vietnamese companies usually build addresses. */
static void vi_person(struct demo_rng *r, char *name, size_t ncap, char *local, size_t lcap)
{
    unsigned female = rng_below(r, 2);
    const struct nm *fam = &vi_family[jm__demo_pick_u8(r, vi_family_w, N(vi_family_w))];
    const struct nm *mid = &vi_middle[female][rng_below(r, 10)];
    const struct nm *giv = &vi_given[female][rng_below(r, 20)];
    snprintf(name, ncap, "%s %s %s", fam->s, mid->s, giv->s);
    snprintf(local, lcap, "%s%s%s", giv->slug, fam->slug, mid->slug);
}

void jm__demo_person(unsigned lang, struct demo_rng *r, char *name, size_t ncap, char *local,
                     size_t lcap)
{
    const struct nm *first, *last;
    switch (lang) {
    case LANG_VI:
        vi_person(r, name, ncap, local, lcap);
        return;
    case LANG_SG:
        last = ANY(r, sg_family);
        if (rng_chance(r, 0.6)) {
            first = ANY(r, sg_given);
            snprintf(name, ncap, "%s %s", last->s, first->s);
            snprintf(local, lcap, "%s.%s", first->slug, last->slug);
            return;
        }
        first = ANY(r, en_first);
        break;
    case LANG_JA:
        first = ANY(r, ja_first), last = ANY(r, ja_last);
        break;
    case LANG_TH:
        first = ANY(r, th_first), last = ANY(r, th_last);
        break;
    case LANG_ID:
        first = ANY(r, id_first), last = ANY(r, id_last);
        break;
    case LANG_DE:
        first = ANY(r, de_first), last = ANY(r, de_last);
        break;
    default:
        first = ANY(r, en_first), last = ANY(r, en_last);
        break;
    }
    snprintf(name, ncap, "%s %s", first->s, last->s);
    if (lang == LANG_JA || lang == LANG_TH)
        snprintf(local, lcap, "%c.%s", first->slug[0], last->slug);
    else
        snprintf(local, lcap, "%s.%s", first->slug, last->slug);
}

/* ---------------------------------------------------------------- titles */

const char *const jm__demo_role_names[RO__COUNT] = {"decider",    "champion",   "user",
                                                    "researcher", "influencer", "finance"};

struct title {
    const char *title, *persona;
};
static const struct title titles_en[RO__COUNT][6] = {
    [RO_DECIDER] = {{"CEO", "executive_sponsor"},
                    {"Managing Director", "executive_sponsor"},
                    {"COO", "executive_sponsor"},
                    {"Founder & CEO", "executive_sponsor"},
                    {"General Manager", "executive_sponsor"},
                    {"VP Operations", "ops_leader"}},
    [RO_CHAMPION] = {{"Head of Operations", "ops_leader"},
                     {"Sales Director", "sales_leader"},
                     {"Head of Growth", "growth_marketer"},
                     {"Marketing Manager", "marketer"},
                     {"RevOps Manager", "revops"},
                     {"Head of Customer Experience", "cx_leader"}},
    [RO_USER] = {{"Sales Executive", "end_user"},
                 {"Marketing Executive", "end_user"},
                 {"Customer Success Specialist", "end_user"},
                 {"Operations Executive", "end_user"},
                 {"Business Analyst", "analyst"},
                 {"Account Manager", "end_user"}},
    [RO_RESEARCHER] = {{"IT Manager", "it_evaluator"},
                       {"Solutions Architect", "it_evaluator"},
                       {"Data Analyst", "analyst"},
                       {"Head of IT", "it_evaluator"},
                       {"Systems Engineer", "it_evaluator"},
                       {"BI Lead", "analyst"}},
    [RO_INFLUENCER] = {{"CTO", "technical_leader"},
                       {"Head of Sales", "department_head"},
                       {"CMO", "department_head"},
                       {"Head of Customer Success", "department_head"},
                       {"VP Marketing", "department_head"},
                       {"Head of Product", "department_head"}},
    [RO_FINANCE] = {{"CFO", "finance_controller"},
                    {"Finance Manager", "finance_controller"},
                    {"Procurement Manager", "procurement"},
                    {"Financial Controller", "finance_controller"},
                    {"Head of Procurement", "procurement"},
                    {"Finance Director", "finance_controller"}},
};
static const struct title titles_vi[RO__COUNT][4] = {
    [RO_DECIDER] = {{"Giám đốc", "executive_sponsor"},
                    {"Tổng Giám đốc", "executive_sponsor"},
                    {"Giám đốc Điều hành", "executive_sponsor"},
                    {"Phó Tổng Giám đốc", "executive_sponsor"}},
    [RO_CHAMPION] = {{"Trưởng phòng Kinh doanh", "sales_leader"},
                     {"Trưởng phòng Marketing", "marketer"},
                     {"Giám đốc Vận hành", "ops_leader"},
                     {"Trưởng phòng Chăm sóc Khách hàng", "cx_leader"}},
    [RO_USER] = {{"Chuyên viên Kinh doanh", "end_user"},
                 {"Chuyên viên Marketing", "end_user"},
                 {"Nhân viên Chăm sóc Khách hàng", "end_user"},
                 {"Chuyên viên Phân tích", "analyst"}},
    [RO_RESEARCHER] = {{"Trưởng phòng CNTT", "it_evaluator"},
                       {"Kỹ sư Hệ thống", "it_evaluator"},
                       {"Chuyên viên Dữ liệu", "analyst"},
                       {"Trưởng nhóm Phát triển", "it_evaluator"}},
    [RO_INFLUENCER] = {{"Giám đốc Công nghệ", "technical_leader"},
                       {"Giám đốc Marketing", "department_head"},
                       {"Giám đốc Kinh doanh", "department_head"},
                       {"Trưởng phòng Nhân sự", "department_head"}},
    [RO_FINANCE] = {{"Kế toán trưởng", "finance_controller"},
                    {"Giám đốc Tài chính", "finance_controller"},
                    {"Trưởng phòng Mua hàng", "procurement"},
                    {"Kế toán tổng hợp", "finance_controller"}},
};

void jm__demo_title(unsigned role, bool vi, struct demo_rng *r, const char **title,
                    const char **persona)
{
    /* Many Vietnamese companies use English titles too, especially in tech and sales. */
    const struct title *t = vi && rng_chance(r, 0.6) ? &titles_vi[role][rng_below(r, 4)]
                                                     : &titles_en[role][rng_below(r, 6)];
    *title = t->title;
    *persona = t->persona;
}

/* ---------------------------------------------------------------- the company itself */

const char *const jm__demo_office_names[OFF__COUNT] = {"Ho Chi Minh City", "Hanoi", "Singapore",
                                                       "London", "New York"};

#define MKT "Marketing"
#define SDR "Sales - SDR"
#define AE  "Sales - AE"
#define CS  "Customer Success"
#define SUP "Support"
/* The first 12 make a complete small company; larger datasets take more, in this order. */
const struct demo_owner_def jm__demo_roster[DEMO_ROSTER] = {
    {"Trần Minh Khoa", "khoa.tran", AE, "Head of Sales", OFF_HCMC, -1, FN_AE},
    {"Nguyễn Thu Trang", "trang.nguyen", MKT, "Head of Marketing", OFF_HCMC, -1, FN_MARKETING},
    {"Lê Hoàng Nam", "nam.le", CS, "Head of Customer Success", OFF_HCMC, -1, FN_CSM},
    {"Phạm Ngọc Anh", "anh.pham", SUP, "Support Lead", OFF_HCMC, -1, FN_SUPPORT},
    {"Võ Thanh Tâm", "tam.vo", SDR, "SDR Team Lead", OFF_HCMC, 0, FN_SDR},
    {"Đặng Quốc Huy", "huy.dang", AE, "Account Executive", OFF_HANOI, 0, FN_AE},
    {"Sarah Lim", "sarah.lim", AE, "Account Executive", OFF_SINGAPORE, 0, FN_AE},
    {"Daniel Tan", "daniel.tan", SDR, "Sales Development Rep", OFF_SINGAPORE, 4, FN_SDR},
    {"James Whitaker", "james.whitaker", AE, "Account Executive", OFF_LONDON, 0, FN_AE},
    {"Emily Carter", "emily.carter", AE, "Account Executive", OFF_NEW_YORK, 0, FN_AE},
    {"Bùi Phương Linh", "linh.bui", CS, "Customer Success Manager", OFF_HANOI, 2, FN_CSM},
    {"Hoàng Gia Bảo", "bao.hoang", SUP, "Support Engineer", OFF_HCMC, 3, FN_SUPPORT},
    {"Ngô Thảo Vy", "vy.ngo", MKT, "Content Marketing Manager", OFF_HCMC, 1, FN_MARKETING},
    {"Lý Minh Tuấn", "tuan.ly", SDR, "Sales Development Rep", OFF_HCMC, 4, FN_SDR},
    {"Rachel Ong", "rachel.ong", CS, "Customer Success Manager", OFF_SINGAPORE, 2, FN_CSM},
    {"Oliver Hughes", "oliver.hughes", SDR, "Sales Development Rep", OFF_LONDON, 4, FN_SDR},
    {"Hồ Thị Mai", "mai.ho", SDR, "Sales Development Rep", OFF_HANOI, 4, FN_SDR},
    {"Đỗ Hải Long", "long.do", AE, "Account Executive", OFF_HCMC, 0, FN_AE},
    {"Hannah Schulz", "hannah.schulz", CS, "Customer Success Manager", OFF_LONDON, 2, FN_CSM},
    {"Michael Brooks", "michael.brooks", SDR, "Sales Development Rep", OFF_NEW_YORK, 4, FN_SDR},
    {"Chris Patel", "chris.patel", CS, "Customer Success Manager", OFF_NEW_YORK, 2, FN_CSM},
    {"Phan Văn Lộc", "loc.phan", SUP, "Support Engineer", OFF_HANOI, 3, FN_SUPPORT},
    {"Kenji Watanabe", "kenji.watanabe", AE, "Account Executive, Japan", OFF_SINGAPORE, 0, FN_AE},
    {"Siti Rahmawati", "siti.rahmawati", AE, "Account Executive, Indonesia", OFF_SINGAPORE, 0,
     FN_AE},
    {"Olivia Bennett", "olivia.bennett", MKT, "Field Marketing Manager", OFF_LONDON, 1,
     FN_MARKETING},
    {"Vũ Thị Hạnh", "hanh.vu", AE, "Account Executive", OFF_HANOI, 0, FN_AE},
    {"Trịnh Mỹ Duyên", "duyen.trinh", CS, "Customer Success Manager", OFF_HCMC, 2, FN_CSM},
    {"Nur Aisyah", "nur.aisyah", SUP, "Support Engineer", OFF_SINGAPORE, 3, FN_SUPPORT},
    {"Đinh Công Thành", "thanh.dinh", MKT, "Performance Marketing Specialist", OFF_HCMC, 1,
     FN_MARKETING},
    {"Priya Nair", "priya.nair", SDR, "Sales Development Rep", OFF_SINGAPORE, 4, FN_SDR},
    {"Tom Fischer", "tom.fischer", AE, "Account Executive, DACH", OFF_LONDON, 0, FN_AE},
    {"Dương Khánh Linh", "khanhlinh.duong", SDR, "Sales Development Rep", OFF_HCMC, 4, FN_SDR},
    {"Jake Morales", "jake.morales", AE, "Account Executive", OFF_NEW_YORK, 0, FN_AE},
    {"Huỳnh Tấn Phát", "phat.huynh", CS, "Customer Success Manager", OFF_HCMC, 2, FN_CSM},
    {"Grace Wong", "grace.wong", MKT, "Partner Marketing Manager", OFF_SINGAPORE, 1, FN_MARKETING},
    {"Mai Xuân Trường", "truong.mai", SUP, "Support Engineer", OFF_HCMC, 3, FN_SUPPORT},
    {"Somchai Wongsakul", "somchai.w", AE, "Account Executive, Thailand", OFF_SINGAPORE, 0, FN_AE},
    {"Laura Jensen", "laura.jensen", SUP, "Support Engineer", OFF_LONDON, 3, FN_SUPPORT},
    {"Phạm Đức Anh", "ducanh.pham", AE, "Account Executive", OFF_HCMC, 0, FN_AE},
    {"Nguyễn Hải Yến", "yen.nguyen", CS, "Customer Success Manager", OFF_HANOI, 2, FN_CSM},
};
