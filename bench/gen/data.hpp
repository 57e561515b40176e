// Embedded reference data for vetgen: code tables (DOMAIN.md §2–§3), the Loudi units and their
// townships (§6), and the word lists that make names, addresses and employers look real.
// Everything here is test data; nothing is read at run time, so the output depends only on the
// seed and the options.
#pragma once

#include <array>
#include <string_view>

namespace vetgen::data {

struct Code {
  int code;
  std::string_view label;
};

inline constexpr std::array<Code, 13> kCategories{{
    {11, "退役军官"},
    {12, "退役士兵"},
    {13, "退伍红军老战士"},
    {14, "西路军红军老战士"},
    {15, "红军失散人员"},
    {16, "老复员军人"},
    {17, "无军籍离休干部"},
    {18, "无军籍退休退职职工"},
    {21, "烈士遗属"},
    {22, "因公牺牲军人遗属"},
    {23, "病故军人遗属"},
    {24, "现役军人家属"},
    {31, "享受国家抚恤的伤残民兵民工"},
}};

// Per-10000 weights in the order of kCategories: mostly discharged soldiers, then officers and
// families of serving soldiers; the Red Army categories are nearly extinct (born before 1925).
inline constexpr std::array<int, 13> kCategoryWeights{700, 7440, 10,  5,   15,  150, 30,
                                                      100, 250,  100, 250, 800, 150};

inline constexpr std::array<Code, 58> kEthnicities{{
    {1, "汉族"},        {2, "蒙古族"},
    {3, "回族"},        {4, "藏族"},
    {5, "维吾尔族"},    {6, "苗族"},
    {7, "彝族"},        {8, "壮族"},
    {9, "布依族"},      {10, "朝鲜族"},
    {11, "满族"},       {12, "侗族"},
    {13, "瑶族"},       {14, "白族"},
    {15, "土家族"},     {16, "哈尼族"},
    {17, "哈萨克族"},   {18, "傣族"},
    {19, "黎族"},       {20, "傈僳族"},
    {21, "佤族"},       {22, "畲族"},
    {23, "高山族"},     {24, "拉祜族"},
    {25, "水族"},       {26, "东乡族"},
    {27, "纳西族"},     {28, "景颇族"},
    {29, "柯尔克孜族"}, {30, "土族"},
    {31, "达斡尔族"},   {32, "仫佬族"},
    {33, "羌族"},       {34, "布朗族"},
    {35, "撒拉族"},     {36, "毛南族"},
    {37, "仡佬族"},     {38, "锡伯族"},
    {39, "阿昌族"},     {40, "普米族"},
    {41, "塔吉克族"},   {42, "怒族"},
    {43, "乌孜别克族"}, {44, "俄罗斯族"},
    {45, "鄂温克族"},   {46, "德昂族"},
    {47, "保安族"},     {48, "裕固族"},
    {49, "京族"},       {50, "塔塔尔族"},
    {51, "独龙族"},     {52, "鄂伦春族"},
    {53, "赫哲族"},     {54, "门巴族"},
    {55, "珞巴族"},     {56, "基诺族"},
    {97, "其他"},       {98, "外国血统中国籍人士"},
}};

inline constexpr std::array<Code, 13> kPolitical{{
    {1, "中共党员"},
    {2, "中共预备党员"},
    {3, "共青团员"},
    {4, "民革党员"},
    {5, "民盟盟员"},
    {6, "民建会员"},
    {7, "民进会员"},
    {8, "农工党党员"},
    {9, "致公党党员"},
    {10, "九三学社社员"},
    {11, "台盟盟员"},
    {12, "无党派人士"},
    {13, "群众"},
}};

inline constexpr std::array<Code, 2> kGenders{{{1, "男"}, {2, "女"}}};
inline constexpr std::array<Code, 3> kIdentities{{{1, "军官"}, {2, "士官"}, {3, "义务兵"}}};
inline constexpr std::array<Code, 5> kPlacements{
    {{1, "安排工作"}, {2, "自主择业"}, {3, "自主就业"}, {4, "自谋职业"}, {9, "其他"}}};
inline constexpr std::array<Code, 8> kEmployment{{{1, "行政事业单位"},
                                                  {2, "企业"},
                                                  {3, "公益性岗位"},
                                                  {4, "个体"},
                                                  {5, "无业"},
                                                  {6, "下岗"},
                                                  {7, "离退休"},
                                                  {8, "务农"}}};
inline constexpr std::array<Code, 5> kHousingNature{
    {{1, "自有产权"}, {2, "租赁"}, {3, "公租房/廉租房"}, {4, "借住"}, {9, "其他"}}};
inline constexpr std::array<Code, 8> kBenefits{{{1, "伤残抚恤"},
                                                {2, "定期抚恤"},
                                                {3, "定期生活补助"},
                                                {4, "老复员军人生活补助"},
                                                {5, "带病回乡退伍军人生活补助"},
                                                {6, "参战参试退役人员生活补助"},
                                                {7, "农村籍退役士兵老年生活补助"},
                                                {9, "其他"}}};
inline constexpr std::array<Code, 3> kDisabilityNature{{{1, "因战"}, {2, "因公"}, {3, "因病"}}};
inline constexpr std::array<Code, 5> kInsurance{{{1, "基本医疗保险"},
                                                 {2, "新型农村合作医疗"},
                                                 {3, "职工养老保险"},
                                                 {4, "城镇居民养老保险"},
                                                 {5, "新型农村养老保险"}}};
inline constexpr std::array<Code, 6> kRelations{
    {{1, "配偶"}, {2, "父亲"}, {3, "母亲"}, {4, "子女"}, {5, "兄弟姐妹"}, {9, "其他"}}};
inline constexpr std::array<Code, 4> kCollectionModes{
    {{1, "基础数据"}, {2, "现场采集"}, {3, "自主申报"}, {4, "上门采集"}}};

struct UnitData {
  std::string_view code;  // GB/T 2260 code, or a local code for the two zones
  std::string_view name;
  std::string_view historical;  // 娄底地区 code used on IDs issued before 1999
  int hukou;                    // index of the county people are registered in (zones: 娄星区)
  int weight;                   // share of Loudi's recipients, roughly by population
  std::string_view townships;   // space separated
};

inline constexpr std::array<UnitData, 7> kUnits{{
    {"431302", "娄星区", "432501", 0, 14,
     "乐坪街道 花山街道 黄泥塘街道 长青街道 大科街道 涟滨街道 石井镇 杉山镇 蛇形山镇 双江乡 "
     "茶园镇"},
    {"431321", "双峰县", "432522", 1, 17,
     "永丰街道 甘棠镇 梓门桥镇 杏子铺镇 走马街镇 荷叶镇 井字镇 三塘铺镇 青树坪镇 花门镇 锁石镇 "
     "石牛乡 印塘乡 沙塘乡 洪山殿镇"},
    {"431322", "新化县", "432524", 2, 26,
     "上梅街道 上渡街道 枫林街道 洋溪镇 槎溪镇 石冲口镇 琅塘镇 游家镇 西河镇 孟公镇 桑梓镇 "
     "温塘镇 圳上镇 吉庆镇 水车镇 奉家镇 炉观镇 白溪镇 田坪镇 曹家镇 科头乡 天门乡 维山乡 油溪乡"},
    {"431381", "冷水江市", "432502", 3, 9,
     "冷水江街道 锡矿山街道 沙塘湾街道 布溪街道 禾青镇 渣渡镇 铎山镇 三尖镇 毛易镇 金竹山镇 "
     "中连乡"},
    {"431382", "涟源市", "432503", 4, 22,
     "蓝田街道 六亩塘镇 斗笠山镇 桥头河镇 杨市镇 伏口镇 荷塘镇 石马山镇 安平镇 湄江镇 白马镇 "
     "金石镇 龙塘镇 渡头塘镇 七星街镇 茅塘镇 枫坪镇 古塘乡 三甲乡"},
    {"LD01", "娄底经济技术开发区", "432501", 0, 7, "大埠桥街道 水洞底镇"},
    {"LD02", "万宝新区", "432501", 0, 5, "万宝镇 西阳街道"},
}};

// Other Hunan divisions that appear on the IDs of people who moved to Loudi (mostly officers).
inline constexpr std::array<std::string_view, 16> kOtherIdCodes{
    "430102", "430103", "430104", "430105", "430111", "430121", "430181", "430302",
    "430321", "430381", "430421", "430521", "430522", "430602", "431102", "431202"};

// Surnames common in central Hunan, most frequent first (the generator favours the front).
inline constexpr std::array<std::string_view, 60> kSurnames{
    "李", "王", "刘", "陈", "曾",   "罗", "彭", "谢", "肖", "周", "张", "吴", "邓", "袁", "朱",
    "杨", "黄", "胡", "龚", "伍",   "梁", "颜", "贺", "邹", "廖", "聂", "曹", "宋", "唐", "蒋",
    "戴", "谭", "康", "段", "邱",   "孙", "赵", "易", "范", "汤", "雷", "成", "阳", "姚", "许",
    "郭", "匡", "游", "文", "欧阳", "石", "潘", "方", "童", "禹", "尹", "晏", "向", "左", "司马"};

// Characters for given names; each is 3 bytes of UTF-8.
inline constexpr std::string_view kMaleChars =
    "建国军华明伟强勇平志刚文斌海林清云峰俊杰辉永春德福成良松柏涛宏亮新民卫东兵红光立坤";
inline constexpr std::string_view kFemaleChars =
    "秀英兰芳桂珍丽娟华梅玉琴凤霞燕红艳萍莲春香云娥翠菊敏静婷慧";

// Uyghur names are written with the separator dot; they are rare in Loudi but real.
inline constexpr std::array<std::string_view, 6> kUyghurMale{
    "艾力·吐尔逊", "买买提·阿不都", "阿里木·热合曼", "努尔·艾买提", "吐尔洪·库尔班", "依明·司马义"};
inline constexpr std::array<std::string_view, 5> kUyghurFemale{
    "阿依古丽·买买提", "热依拉·阿不都", "古丽娜尔·艾力", "帕提古丽·吐尔逊", "米热古丽·依明"};

inline constexpr std::string_view kVillageA = "石新大长白青龙金高黄杨李枫荷桃竹田泉梅松";
inline constexpr std::string_view kVillageB = "桥塘冲坪山湾溪坳岭田庄源江峰湖林岗铺口园";
inline constexpr std::array<std::string_view, 12> kRoads{"人民路", "建设路", "解放路", "新华路",
                                                         "文化路", "环城路", "和平街", "向阳路",
                                                         "光明路", "胜利路", "育才路", "振兴路"};

// Employers by employment status (1 行政事业单位, 2 企业, 3 公益性岗位); {} is replaced by the
// person's county or township.
inline constexpr std::array<std::string_view, 10> kAgencies{
    "娄底市中心医院",       "娄底市城市管理和综合执法局",
    "娄底市退役军人事务局", "娄底职业技术学院",
    "{}人民医院",           "{}第一中学",
    "{}人民政府",           "{}公安局",
    "{}人民武装部",         "{}财政局"};
inline constexpr std::array<std::string_view, 11> kCompanies{
    "湖南华菱涟源钢铁有限公司",
    "国网湖南省电力有限公司娄底供电分公司",
    "中国邮政集团有限公司娄底市分公司",
    "湖南闪星锑业有限责任公司",
    "娄底农村商业银行",
    "三一重工娄底产业园",
    "中国石化销售股份有限公司湖南娄底石油分公司",
    "娄底市公共交通有限公司",
    "湖南中宝科技有限公司",
    "冷水江钢铁有限责任公司",
    "{}自来水公司"};
inline constexpr std::array<std::string_view, 4> kPublicPosts{"{}便民服务中心", "{}退役军人服务站",
                                                              "{}环卫所", "{}综治中心"};
inline constexpr std::array<std::string_view, 5> kSelfEmployed{"{}便利店", "{}农机维修部",
                                                               "{}养殖场", "{}货运部", "{}建材店"};

inline constexpr std::array<std::string_view, 8> kProvinces{"湖南省", "广东省", "北京市", "新疆",
                                                            "西藏",   "云南省", "福建省", "四川省"};

inline constexpr std::array<std::string_view, 22> kAppeals{"无",
                                                           "希望提高生活补助标准",
                                                           "子女就业困难，希望给予帮助",
                                                           "住房困难，希望纳入危房改造",
                                                           "医疗费用负担重",
                                                           "希望参加职业技能培训",
                                                           "申请悬挂光荣牌",
                                                           "希望解决养老保险接续问题",
                                                           "反映\"两参\"人员补助未按时发放",
                                                           "身体不好，行动不便，希望上门服务",
                                                           "希望优先安排公益性岗位",
                                                           "要求核实服役年限",
                                                           "无特别诉求",
                                                           "孙子上学，希望享受优待政策",
                                                           "希望落实“带病回乡”补助",
                                                           "创业资金不足，希望提供贴息贷款",
                                                           "家中老人需照顾，希望就近就业",
                                                           "伤残等级评定有异议，申请复评",
                                                           "希望办理优待证",
                                                           "配偶无工作,家庭收入低",
                                                           "1.住房困难\n2.医疗费用高",
                                                           "暂无"};

inline constexpr std::array<std::string_view, 8> kNotes{
    "电话已核实", "本人不在家，家属代填", "已上门核实",     "信息与系统一致",
    "待补照片",   "户籍已迁出",           "证件原件已查验", "联系不上，待复核"};

}  // namespace vetgen::data
