//! The word lists recognition relies on, written for this crate: the head
//! words that end organisation names (with the kind of body each says),
//! titles and roles that mark people, surnames, words that cannot begin a
//! name, and place-name endings. The rules read them directly; the
//! sequence model reads them as features, so changing a list changes the
//! model's input: retrain after editing (see `models/README.md`).

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::mention::OrgKind;

/// How much an organisation head word alone says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strength {
    /// Ends an organisation name whenever it ends a word (有限公司, 大学,
    /// 研究院, 孵化器 …).
    Strong,
    /// Ends one only when the word before it is a department (科技局,
    /// 财政厅) or the whole word is a known body.
    Department,
    /// Often ends a company short name (科技, 药业, 控股) but also plain
    /// words: a hint for the model and for the kind, never a rule by itself.
    Weak,
}

/// Organisation head words: `(word, kind, strength)`.
pub const ORG_HEADS: &[(&str, OrgKind, Strength)] = &[
    // enterprises
    ("股份有限公司", OrgKind::Enterprise, Strength::Strong),
    ("有限责任公司", OrgKind::Enterprise, Strength::Strong),
    ("有限公司", OrgKind::Enterprise, Strength::Strong),
    ("集团公司", OrgKind::Enterprise, Strength::Strong),
    ("分公司", OrgKind::Enterprise, Strength::Strong),
    ("子公司", OrgKind::Enterprise, Strength::Weak),
    ("公司", OrgKind::Enterprise, Strength::Strong),
    ("集团", OrgKind::Enterprise, Strength::Strong),
    ("银行", OrgKind::Enterprise, Strength::Strong),
    ("分行", OrgKind::Enterprise, Strength::Strong),
    ("支行", OrgKind::Enterprise, Strength::Strong),
    ("合伙企业", OrgKind::Enterprise, Strength::Strong),
    ("事务所", OrgKind::Enterprise, Strength::Strong),
    ("证券", OrgKind::Enterprise, Strength::Weak),
    ("保险", OrgKind::Enterprise, Strength::Weak),
    ("科技", OrgKind::Enterprise, Strength::Weak),
    ("药业", OrgKind::Enterprise, Strength::Weak),
    ("制药", OrgKind::Enterprise, Strength::Weak),
    ("控股", OrgKind::Enterprise, Strength::Weak),
    ("股份", OrgKind::Enterprise, Strength::Weak),
    ("传媒", OrgKind::Enterprise, Strength::Weak),
    ("电子", OrgKind::Enterprise, Strength::Weak),
    ("电器", OrgKind::Enterprise, Strength::Weak),
    ("电气", OrgKind::Enterprise, Strength::Weak),
    ("生物", OrgKind::Enterprise, Strength::Weak),
    ("医疗", OrgKind::Enterprise, Strength::Weak),
    ("智能", OrgKind::Enterprise, Strength::Weak),
    ("地产", OrgKind::Enterprise, Strength::Weak),
    ("置业", OrgKind::Enterprise, Strength::Weak),
    ("物流", OrgKind::Enterprise, Strength::Weak),
    ("能源", OrgKind::Enterprise, Strength::Weak),
    ("基金", OrgKind::Enterprise, Strength::Weak),
    ("资本", OrgKind::Enterprise, Strength::Weak),
    ("创投", OrgKind::Enterprise, Strength::Weak),
    ("工厂", OrgKind::Enterprise, Strength::Weak),
    ("俱乐部", OrgKind::Other, Strength::Weak),
    ("队", OrgKind::Other, Strength::Weak),
    // universities
    ("大学", OrgKind::University, Strength::Strong),
    ("学院", OrgKind::University, Strength::Strong),
    ("党校", OrgKind::University, Strength::Strong),
    ("中学", OrgKind::University, Strength::Weak),
    ("小学", OrgKind::University, Strength::Weak),
    ("学校", OrgKind::University, Strength::Weak),
    // institutes
    ("研究院", OrgKind::Institute, Strength::Strong),
    ("研究所", OrgKind::Institute, Strength::Strong),
    ("研究中心", OrgKind::Institute, Strength::Strong),
    ("科学院", OrgKind::Institute, Strength::Strong),
    ("工程院", OrgKind::Institute, Strength::Strong),
    ("社科院", OrgKind::Institute, Strength::Strong),
    ("设计院", OrgKind::Institute, Strength::Strong),
    ("研发中心", OrgKind::Institute, Strength::Strong),
    ("技术中心", OrgKind::Institute, Strength::Strong),
    ("工程中心", OrgKind::Institute, Strength::Strong),
    ("检测中心", OrgKind::Institute, Strength::Strong),
    ("测试中心", OrgKind::Institute, Strength::Strong),
    ("检验中心", OrgKind::Institute, Strength::Strong),
    ("分析中心", OrgKind::Institute, Strength::Strong),
    ("创新中心", OrgKind::Institute, Strength::Strong),
    ("研究基地", OrgKind::Institute, Strength::Weak),
    // hospitals
    ("医院", OrgKind::Hospital, Strength::Strong),
    ("卫生院", OrgKind::Hospital, Strength::Strong),
    ("保健院", OrgKind::Hospital, Strength::Strong),
    ("中医院", OrgKind::Hospital, Strength::Strong),
    ("疾控中心", OrgKind::Hospital, Strength::Strong),
    // platforms
    ("孵化器", OrgKind::Platform, Strength::Strong),
    ("众创空间", OrgKind::Platform, Strength::Strong),
    ("加速器", OrgKind::Platform, Strength::Strong),
    ("产业园", OrgKind::Platform, Strength::Strong),
    ("科技园", OrgKind::Platform, Strength::Strong),
    ("创业园", OrgKind::Platform, Strength::Strong),
    ("软件园", OrgKind::Platform, Strength::Strong),
    ("创新园", OrgKind::Platform, Strength::Strong),
    ("孵化基地", OrgKind::Platform, Strength::Strong),
    ("创业基地", OrgKind::Platform, Strength::Strong),
    ("孵化中心", OrgKind::Platform, Strength::Strong),
    ("创业中心", OrgKind::Platform, Strength::Strong),
    ("创新港", OrgKind::Platform, Strength::Strong),
    ("产业基地", OrgKind::Platform, Strength::Weak),
    ("工程研究中心", OrgKind::Institute, Strength::Strong),
    ("工程技术研究中心", OrgKind::Institute, Strength::Strong),
    ("技术创新中心", OrgKind::Institute, Strength::Strong),
    ("联合研究中心", OrgKind::Institute, Strength::Strong),
    ("联合创新中心", OrgKind::Institute, Strength::Strong),
    ("联合研究院", OrgKind::Institute, Strength::Strong),
    // labs
    ("联合实验室", OrgKind::Lab, Strength::Strong),
    ("重点实验室", OrgKind::Lab, Strength::Strong),
    ("实验室", OrgKind::Lab, Strength::Strong),
    // government and public bodies
    ("管理委员会", OrgKind::Government, Strength::Strong),
    ("管委会", OrgKind::Government, Strength::Strong),
    ("委员会", OrgKind::Government, Strength::Strong),
    ("常委会", OrgKind::Government, Strength::Strong),
    ("党工委", OrgKind::Government, Strength::Strong),
    ("工委", OrgKind::Government, Strength::Strong),
    ("发改委", OrgKind::Government, Strength::Strong),
    ("卫健委", OrgKind::Government, Strength::Strong),
    ("经信委", OrgKind::Government, Strength::Strong),
    ("科委", OrgKind::Government, Strength::Strong),
    ("教委", OrgKind::Government, Strength::Strong),
    ("人民政府", OrgKind::Government, Strength::Strong),
    ("政府", OrgKind::Government, Strength::Department),
    ("办公室", OrgKind::Government, Strength::Department),
    ("办事处", OrgKind::Government, Strength::Strong),
    ("服务中心", OrgKind::Government, Strength::Strong),
    ("交易中心", OrgKind::Government, Strength::Strong),
    ("法院", OrgKind::Government, Strength::Strong),
    ("检察院", OrgKind::Government, Strength::Strong),
    ("海关", OrgKind::Government, Strength::Department),
    ("局", OrgKind::Government, Strength::Department),
    ("厅", OrgKind::Government, Strength::Department),
    ("办", OrgKind::Government, Strength::Department),
    ("部", OrgKind::Government, Strength::Department),
    ("署", OrgKind::Government, Strength::Department),
    // associations
    ("协会", OrgKind::Other, Strength::Strong),
    ("学会", OrgKind::Other, Strength::Strong),
    ("商会", OrgKind::Other, Strength::Strong),
    ("联合会", OrgKind::Other, Strength::Strong),
    ("促进会", OrgKind::Other, Strength::Strong),
    ("基金会", OrgKind::Other, Strength::Strong),
    ("联盟", OrgKind::Other, Strength::Strong),
    // museums and libraries
    ("博物馆", OrgKind::Other, Strength::Strong),
    ("科技馆", OrgKind::Other, Strength::Strong),
    ("图书馆", OrgKind::Other, Strength::Strong),
    ("美术馆", OrgKind::Other, Strength::Strong),
    ("纪念馆", OrgKind::Other, Strength::Strong),
];

/// Words before 局/厅/委/办/部 … that make them a government department.
pub const DEPARTMENTS: &[&str] = &[
    "科技",
    "科学技术",
    "财政",
    "教育",
    "公安",
    "税务",
    "统计",
    "商务",
    "工信",
    "工业和信息化",
    "人社",
    "人力资源和社会保障",
    "卫健",
    "卫生健康",
    "交通",
    "交通运输",
    "文旅",
    "文化和旅游",
    "发改",
    "发展改革",
    "发展和改革",
    "民政",
    "审计",
    "环保",
    "生态环境",
    "自然资源",
    "自然资源和规划",
    "住建",
    "住房和城乡建设",
    "规划",
    "水利",
    "农业农村",
    "农业",
    "市场监管",
    "市场监督管理",
    "知识产权",
    "外事",
    "体育",
    "司法",
    "应急管理",
    "医保",
    "医疗保障",
    "金融",
    "地方金融监督管理",
    "国资",
    "国有资产监督管理",
    "海洋",
    "海洋发展",
    "工商",
    "质监",
    "科协",
    "经信",
    "经济和信息化",
    "招商",
    "投资促进",
    "大数据",
    "行政审批",
    "政务服务",
    "城市管理",
    "人防",
    "气象",
    "地震",
    "档案",
    "粮食",
    "林业",
    "渔业",
    "旅游",
    "文化",
    "宣传",
    "组织",
    "统战",
    "政法",
    "编制",
    "外汇管理",
    "银保监",
    "证监",
    "国务院",
    "党委",
    "党工委",
    "区委",
    "市委",
    "省委",
    "县委",
    "经发",
    "经济发展",
    "财政金融",
    "科技创新",
    "创新",
    "产业",
    "企业服务",
];

/// Whole words that name a body by themselves, with its kind.
pub const STANDALONE_BODIES: &[(&str, OrgKind)] = &[
    ("国务院", OrgKind::Government),
    ("科技部", OrgKind::Government),
    ("教育部", OrgKind::Government),
    ("财政部", OrgKind::Government),
    ("商务部", OrgKind::Government),
    ("工信部", OrgKind::Government),
    ("工业和信息化部", OrgKind::Government),
    ("发改委", OrgKind::Government),
    ("国家发改委", OrgKind::Government),
    ("国资委", OrgKind::Government),
    ("证监会", OrgKind::Government),
    ("银保监会", OrgKind::Government),
    ("人民银行", OrgKind::Enterprise),
    ("中国人民银行", OrgKind::Government),
    ("中科院", OrgKind::Institute),
    ("中国科学院", OrgKind::Institute),
    ("中国工程院", OrgKind::Institute),
    ("社科院", OrgKind::Institute),
    ("市政府", OrgKind::Government),
    ("省政府", OrgKind::Government),
    ("区政府", OrgKind::Government),
    ("县政府", OrgKind::Government),
    ("管委会", OrgKind::Government),
];

/// Titles and roles that mark a person, longest first within a family.
pub const TITLES: &[&str] = &[
    "教授",
    "副教授",
    "教授级高工",
    "研究员",
    "副研究员",
    "助理研究员",
    "特聘研究员",
    "特聘教授",
    "讲席教授",
    "院士",
    "博士",
    "博士后",
    "博士生导师",
    "博导",
    "硕士",
    "董事长",
    "副董事长",
    "总经理",
    "副总经理",
    "总裁",
    "副总裁",
    "首席执行官",
    "首席科学家",
    "首席技术官",
    "首席专家",
    "ceo",
    "cto",
    "coo",
    "cfo",
    "创始人",
    "联合创始人",
    "团队负责人",
    "项目负责人",
    "负责人",
    "主任",
    "副主任",
    "院长",
    "副院长",
    "校长",
    "副校长",
    "书记",
    "党委书记",
    "党工委书记",
    "所长",
    "副所长",
    "局长",
    "副局长",
    "厅长",
    "副厅长",
    "区长",
    "副区长",
    "市长",
    "副市长",
    "主席",
    "副主席",
    "总监",
    "技术总监",
    "工程师",
    "高级工程师",
    "总工程师",
    "总工",
    "讲师",
    "主任医师",
    "副主任医师",
    "医生",
    "医师",
    "专家",
    "部长",
    "副部长",
    "处长",
    "科长",
    "秘书长",
    "会长",
    "理事长",
    "董事",
    "执行董事",
    "监事",
    "合伙人",
    "创始合伙人",
    "管理合伙人",
    "带头人",
    "学科带头人",
    "导师",
    "研究生",
    "先生",
    "女士",
    "经理",
    "总经理助理",
    "主管",
    "记者",
    "通讯员",
    "法定代表人",
];

/// Single-character surnames, most frequent first.
pub const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏\
魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常\
温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛\
曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏\
宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗\
燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁\
芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元\
束檀衣信展阴昝智幸奉植衡富尧闭由";

/// Two-character surnames.
pub const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "轩辕",
    "令狐", "钟离", "澹台", "端木", "南宫", "西门", "百里", "呼延", "闻人", "万俟", "独孤",
];

/// Words that never begin an organisation or person name: prepositions,
/// conjunctions, particles, pronouns, and the verbs news puts before a
/// name (由青岛农业大学牵头: the name starts after 由).
pub const NAME_STOPS: &[&str] = &[
    "由",
    "在",
    "与",
    "和",
    "及",
    "以及",
    "同",
    "跟",
    "对",
    "向",
    "为",
    "被",
    "把",
    "将",
    "从",
    "自",
    "到",
    "至",
    "于",
    "经",
    "据",
    "以",
    "让",
    "使",
    "给",
    "等",
    "的",
    "了",
    "是",
    "有",
    "也",
    "都",
    "还",
    "又",
    "并",
    "且",
    "或",
    "即",
    "该",
    "本",
    "其",
    "这",
    "那",
    "此",
    "各",
    "每",
    "已",
    "曾",
    "正",
    "会",
    "能",
    "可",
    "要",
    "需",
    "共",
    "就",
    "才",
    "而",
    "但",
    "若",
    "如",
    "因",
    "所",
    "之",
    "着",
    "过",
    "去",
    "来",
    "上",
    "下",
    "中",
    "后",
    "前",
    "内",
    "外",
    "间",
    "时",
    "里",
    "依托",
    "联合",
    "携手",
    "牵头",
    "支持",
    "成立",
    "组建",
    "共建",
    "获得",
    "引进",
    "落户",
    "入驻",
    "签约",
    "签署",
    "委托",
    "申请",
    "投资",
    "孵化",
    "转让",
    "许可",
    "合作",
    "通过",
    "包括",
    "其中",
    "作为",
    "位于",
    "来自",
    "走进",
    "参观",
    "考察",
    "调研",
    "服务",
    "推动",
    "带动",
    "入选",
    "荣获",
    "获评",
    "获批",
    "认定",
    "授予",
    "设立",
    "建立",
    "打造",
    "建设",
    "发布",
    "举办",
    "主办",
    "承办",
    "协办",
    "记者",
    "近日",
    "日前",
    "今年",
    "去年",
    "目前",
    "当前",
    "同时",
    "此外",
    "另外",
    "随后",
    "截至",
    "一家",
    "这家",
    "该院",
    "该校",
    "全国",
    "全省",
    "全市",
    "全区",
    "多家",
    "多个",
    "一批",
    "首批",
    "我们",
    "他们",
    "公司",
    "企业",
    "单位",
    "高校",
    "院所",
    "机构",
    "名称",
    "简称",
    "全称",
    "前身",
    "旗下",
    "隶属于",
    "隶属",
    "属于",
    "母公司",
    "原",
];

/// Endings of place names: a name ending so is a place (or a zone), not
/// an organisation, unless an organisation head word follows.
pub const PLACE_ENDINGS: &[&str] = &[
    "省",
    "市",
    "区",
    "县",
    "镇",
    "乡",
    "村",
    "街道",
    "社区",
    "自治区",
    "自治州",
    "新区",
    "高新区",
    "开发区",
    "保税区",
    "自贸区",
    "片区",
    "园区",
    "示范区",
    "试验区",
    "湾区",
    "半岛",
    "路",
    "街",
    "大道",
    "号",
];

/// Words after an organisation head word that make the whole a thing, not
/// a body (智慧医院管理系统 is a product): a name before them needs more
/// evidence.
pub const THING_WORDS: &[&str] = &[
    "系统",
    "平台",
    "软件",
    "模式",
    "品牌",
    "产品",
    "方案",
    "解决方案",
    "体系",
    "工程",
    "计划",
    "行动",
    "大赛",
    "论坛",
    "峰会",
    "理念",
    "概念",
    "标准",
    "联盟链",
    "管理系统",
    "app",
];

/// Whether `c` is one of the surnames, and how common: 0 for the hundred
/// most frequent, 1 for the others.
pub fn surname_rank(c: char) -> Option<u8> {
    // by character code: 0 for none, else the rank plus one (a character
    // listed twice keeps its last rank); read for every character of a
    // text, so a table rather than a hash map
    static RANKS: LazyLock<Vec<u8>> = LazyLock::new(|| {
        let mut ranks = Vec::new();
        let surnames = SURNAMES.chars().filter(|c| !c.is_whitespace() && *c != '\\');
        for (rank, c) in surnames.enumerate() {
            let code = c as usize;
            if ranks.len() <= code {
                ranks.resize(code + 1, 0);
            }
            ranks[code] = 1 + u8::from(rank >= 100);
        }
        ranks
    });
    match RANKS.get(c as usize).copied().unwrap_or(0) {
        0 => None,
        rank => Some(rank - 1),
    }
}

/// A set of characters asked about for every character of a text: a bit
/// per character code, up to the largest in the set.
pub struct CharSet(Vec<u64>);

impl CharSet {
    /// The characters of `chars`.
    pub fn of(chars: &str) -> CharSet {
        let mut bits = Vec::new();
        for c in chars.chars() {
            let code = c as usize;
            if bits.len() <= code / 64 {
                bits.resize(code / 64 + 1, 0);
            }
            bits[code / 64] |= 1 << (code % 64);
        }
        CharSet(bits)
    }

    pub fn contains(&self, c: char) -> bool {
        let code = c as usize;
        self.0.get(code / 64).is_some_and(|word| word & (1 << (code % 64)) != 0)
    }
}

/// Whether `word` is a compound surname.
pub fn is_compound_surname(first: char, second: char) -> bool {
    const FIRSTS: &str = "欧司诸上东皇尉公慕长宇夏轩令钟澹端南西百呼闻万独";
    // asked twice for every character of a text
    static FIRST: LazyLock<CharSet> = LazyLock::new(|| CharSet::of(FIRSTS));
    FIRST.contains(first)
        && COMPOUND_SURNAMES.iter().any(|s| {
            let mut chars = s.chars();
            chars.next() == Some(first) && chars.next() == Some(second)
        })
}

/// What a lexicon pattern is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    OrgHead(OrgKind, Strength),
    Title,
    Department,
    Standalone(OrgKind),
    PlaceEnding,
    Thing,
    Stop,
}

/// One automaton over every list, for scanning a text once.
pub struct Lexicon {
    pub automaton: AhoCorasick,
    /// For each pattern, what it is (a word in several lists has several
    /// patterns).
    pub entries: Vec<(Entry, u8)>,
}

/// The lexicon automaton, built on first use.
pub fn lexicon() -> &'static Lexicon {
    static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| {
        let mut patterns: Vec<&'static str> = Vec::new();
        let mut entries = Vec::new();
        let mut add = |word: &'static str, entry: Entry| {
            patterns.push(word);
            entries.push((entry, word.chars().count() as u8));
        };
        for (word, kind, strength) in ORG_HEADS {
            add(word, Entry::OrgHead(*kind, *strength));
        }
        for word in TITLES {
            add(word, Entry::Title);
        }
        for word in DEPARTMENTS {
            add(word, Entry::Department);
        }
        for (word, kind) in STANDALONE_BODIES {
            add(word, Entry::Standalone(*kind));
        }
        for word in PLACE_ENDINGS {
            add(word, Entry::PlaceEnding);
        }
        for word in THING_WORDS {
            add(word, Entry::Thing);
        }
        for word in NAME_STOPS {
            add(word, Entry::Stop);
        }
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .unwrap_or_else(|error| panic!("the built-in lexicon is a valid automaton: {error}"));
        Lexicon { automaton, entries }
    });
    &LEXICON
}

/// Whether `word` is in [`NAME_STOPS`].
pub fn is_stop(word: &str) -> bool {
    static STOPS: LazyLock<std::collections::HashSet<&'static str>> =
        LazyLock::new(|| NAME_STOPS.iter().copied().collect());
    STOPS.contains(word)
}

/// Whether `word` is in [`DEPARTMENTS`].
pub fn is_department(word: &str) -> bool {
    static SET: LazyLock<std::collections::HashSet<&'static str>> =
        LazyLock::new(|| DEPARTMENTS.iter().copied().collect());
    SET.contains(word)
}

/// The longest organisation head word `text` ends with, by kind and
/// strength.
pub fn org_head_of(text: &str) -> Option<(&'static str, OrgKind, Strength)> {
    ORG_HEADS
        .iter()
        .filter(|(head, _, _)| text.ends_with(head) && text.len() > head.len())
        .max_by_key(|(head, _, _)| head.len())
        .copied()
        .or_else(|| {
            STANDALONE_BODIES
                .iter()
                .find(|(body, _)| *body == text)
                .map(|(body, kind)| (*body, *kind, Strength::Strong))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surnames_are_ranked() {
        assert_eq!(surname_rank('王'), Some(0));
        assert_eq!(surname_rank('由'), Some(1));
        assert_eq!(surname_rank('的'), None);
        assert!(is_compound_surname('欧', '阳'));
        assert!(!SURNAMES.contains(' '));
        for compound in COMPOUND_SURNAMES {
            let chars: Vec<char> = compound.chars().collect();
            assert!(is_compound_surname(chars[0], chars[1]), "{compound}");
        }
    }

    #[test]
    fn heads_give_the_kind() {
        assert_eq!(org_head_of("青岛大学附属医院").map(|h| h.1), Some(OrgKind::Hospital));
        assert_eq!(org_head_of("某某股份有限公司").map(|h| h.0), Some("股份有限公司"));
        assert_eq!(org_head_of("科技部").map(|h| h.1), Some(OrgKind::Government));
        assert_eq!(org_head_of("大学"), None);
        assert!(lexicon().entries.len() > 300);
    }
}
