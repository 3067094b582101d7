"""How much a decoded text looks like real text: the judge between candidate encodings.

GBK, Big5, Shift-JIS and EUC-KR all accept most double-byte sequences, and the Western
codepages accept every byte, so a wrong codec usually decodes *something*. What it
decodes is improbable: rare or private-use characters, half-width katakana, Hangul glued
to Han, symbols inside words, case flipping mid-word, Latin and Cyrillic in one word.
:func:`plausibility` scores those signals; frequent characters of each script (the
national standards' level-1 sets, and the commonest Han characters) score highest.
"""

from __future__ import annotations

import functools
import itertools
import unicodedata

_IN_WORD = frozenset("'’‘‐‑-·\u00ad′.")  # apostrophes, hyphens, soft hyphen: fine inside words

# The most frequent Han characters of news text (simplified, then traditional-only forms),
# with charset-normalizer's Chinese and Japanese lists added at load time.
_TOP_HAN = (
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年"
    "过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她"
    "本前开但因只从想实日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问"
    "很最重并物手应战向头文体政美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给世位次"
    "度门任常先海通教儿原东声提立及比员解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何"
    "电数安少报才结反受目太量再感建务做接必场件计管期市直德资命山金指克许统区保至队形社便空决治展"
    "马科司五基眼书非则听白却界达光放强即像难且权思王象完设式色路记南品住告类求据程北边死张该交规"
    "万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改收根干造言联持组每济车亲极林服快办"
    "议往元英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流备兵连调深商算质团集百需价花党华城"
    "石级整府离况亚请技际约示复病息究线似官火断精满支视消越器容照须九增研写称企八功吗包片史委乎查"
    "轻易早曾除农找装广显吧阿李标谈吃图念六引历首医局突专费号尽另周较注语仅考落青随选列武红响虽推"
    "势参希古众构房半节土投某案黑维革划敌致陈律足态护七兴派孩验责营星够章音跟志底站严巴例防族供效"
    "续施留讲型料终答紧黄绝奇察母京段依批群项故按河米围江织害斗双境客纪采举杀攻父苏密低朝友诉止细"
    "愿千值仍男钱破网热助倒育属坐帝限船脸职速刻乐否刚威毛状率甚独球般普怕弹校苦创假久错承印晚兰试"
    "股拿脑预谁益阳若哪微尼继送急血惊伤素药适波夜省初喜卫源食险待述陆习置居劳财环排福纳欢雷警获模"
    "充负云停木游龙树疑层冷洲冲射略范竟句室异激汉村哈策演简卡罪判担州静退既衣您宗积余痛检差富灵协"
    "角占配征修皮挥胜降阶审沉坚善妈刘读啊超免压银买皇养伊怀执副乱抗犯追帮宣佛岁航优怪香著田铁控税"
    "左右份穿艺背阵草脚概恶块顿敢守酒岛托央户烈洋哥索胡款靠评版宝座释景顾弟登货互付伯慢欧换闻危忙"
    "核暗姐介坏讨丽良序升监临亮露永呼味野架域沙掉括舰鱼杂误湾吉减编楚肯测败屋跑梦散温困剑渐封救贵"
    "枪缺楼县尚毫移娘朋画班智亦耳恩短掌恐遗固席松秘谢鲁遇康虑幸均销钟诗藏赶剧票损忽巨炮旧端探湖录"
    "叶春乡附吸予礼港雨呀板庭妇归睛饭额含顺输摇招婚脱补谓督毒油疗旅泽材灭逐莫笔亡鲜词圣择寻厂睡博"
    "勒烟授诺伦岸奥唐卖俄炸载洛健堂旁宫喝借君禁阴园谋宋避抓荣姑孙逃牙束跳顶玉镇雪午练迫爷篇肉嘴馆"
    "這們個國來為說時會對過發後裡經麼學現當沒動還進樣實開從種於與長機無間問體關點業將兩產頭電數報"
    "結條總變氣應戰聲處義導調論員區軍強權據邊東車風華團黨請際務護網絡屬極難記議聯節歷傳隊達級術師"
    "觀導領單執輕類歡興識認價見讓計設許該話語讀寫貝買賣費資質貿陸陽陳隨隊雖雙離雲電響項順頭題顯飛"
    "馬驗體鬥魚鳥黃齊龍萬與專業們億係倫偉側備傷傳僅優兒內兩冊創劃劇勞勢區協單衛廣應氣灣灣禮經維總"
    "線練續聯職肅們腦藝蘇號裝製複規視親覺觸證評試詩誠誤說課調談請論諸謝講護讀變讓贊趙跡躍農遠適選"
    "遺還邊鄉醫針鐵錄錢鎮長門開關陣際險隱雜雞難雪靜響頁順領頻類飯館體點黨齡"
)
_COMMON_KANA = "のにはをたがでてとしれさあいうかくけこすせそつなもよらりるろわんっーアイスルントクラリ"
_TOP_HANGUL = ("이다에의는로하을가고지서한은기으년대사시를리도인스일정부국있것수자들해적제주장위관"
               "회보전면원과상경게우만화연세중신아동요성문합니그나발방업여실당계공내러때조했습")


@functools.cache
def _tables() -> tuple[frozenset[str], frozenset[str]]:
    """(frequent characters, level-1 characters of the GB2312/Big5/JIS/KS national sets)."""
    from charset_normalizer.constant import FREQUENCIES

    top = set(_TOP_HAN + _COMMON_KANA + _TOP_HANGUL)
    for lang in ("Chinese", "Japanese", "Korean"):
        top.update(FREQUENCIES.get(lang, ()))
    level1: set[str] = set()
    for codec, leads, trails in (("gb2312", range(0xB0, 0xD8), range(0xA1, 0xFF)),
                                 ("cp950", range(0xA4, 0xC6), [*range(0x40, 0x7F), *range(0xA1, 0xFF)]),
                                 ("euc_jp", range(0xB0, 0xD0), range(0xA1, 0xFF)),
                                 ("euc_kr", range(0xB0, 0xC9), range(0xA1, 0xFF))):
        for lead in leads:
            for trail in trails:
                try:
                    level1.add(bytes((lead, trail)).decode(codec))
                except UnicodeDecodeError:
                    pass
    return frozenset(top), frozenset(level1 - top)


def _char_weight(c: str, top: frozenset[str], level1: frozenset[str]) -> float:
    """How typical of real text one non-ASCII character is (-1 to 1)."""
    o = ord(c)
    if c in top:
        return 1.0
    if c in level1:
        return 0.6
    if 0x4E00 <= o <= 0x9FFF:
        return 0.1
    if 0x3040 <= o <= 0x30FF:
        return 0.8  # kana
    if 0x3100 <= o <= 0x312F:
        return 0.0  # bopomofo: phonetic annotation, rare in news; Big5 misreads produce it
    if 0x3000 <= o <= 0x303F or 0xFF01 <= o <= 0xFF60:
        return 0.6  # CJK and full-width punctuation
    if 0x2010 <= o <= 0x203A or o in (0xA0, 0xAB, 0xBB, 0xB7, 0x20AC):
        return 0.95  # dashes, quotes, ellipsis, guillemets, no-break space: typical of news
    if (0xFF61 <= o <= 0xFF9F or 0xE000 <= o <= 0xF8FF or 0xF900 <= o <= 0xFAFF
            or 0x3400 <= o <= 0x4DBF or o >= 0x20000 or 0x80 <= o <= 0x9F or o == 0xFFFD):
        return -1.0  # half-width kana, private use, compatibility/rare Han, C1 controls
    category = unicodedata.category(c)
    if category[0] == "L":
        return 0.5
    return 0.0 if category[0] in "PNZM" else -0.3


def plausibility(text: str) -> float:
    """Mean typicality of the non-ASCII characters of ``text`` (1.0 when there are none).

    Examples:
        >>> plausibility("中华民国的网络安全") > plausibility("笢貌韜弊腔厙釐假")
        True
    """
    top, level1 = _tables()
    weights = {i: _char_weight(c, top, level1) for i, c in enumerate(text) if ord(c) > 0x7F}
    if not weights:
        return 1.0
    start = None
    for i, c in enumerate(f"{text} "):
        if c.isalpha():
            start = i if start is None else start
            continue
        if start is not None:
            word = text[start:i]
            verdict = None if word.isascii() else _word_verdict(word)
            for j in range(start, i):
                if verdict is not None and j in weights:
                    weights[j] = verdict
            # Only single-byte codepages put symbols inside words, and only between
            # alphabetic letters (CJK text has no spaces and full-width punctuation).
            if (i in weights and c not in _IN_WORD and ord(c) < 0x2E80 and i + 1 < len(text)
                    and text[i + 1].isalpha() and ord(text[i + 1]) < 0x2E80 and ord(text[i - 1]) < 0x2E80):
                weights[i] = -1.0  # "za¿ó³æ": a symbol inside a word is a mis-decoded letter
        start = None
    return sum(weights.values()) / len(weights)


_CJK = frozenset({"han", "kana", "hangul"})


def _word_verdict(word: str) -> float | None:
    """A weight for every letter of an alphabetic word, or None to keep per-character ones."""
    scripts = {_script(c) for c in word}
    if "hangul" in scripts and len(scripts & _CJK) > 1:
        return -1.0  # Korean never glues Hangul to Han or kana: a mis-decode
    alphabetic = scripts - _CJK
    if len(alphabetic) > 1:
        return -1.0  # "cafй": Latin and Cyrillic in one word
    if scripts & _CJK:
        return None
    if any(a.islower() and b.isupper() for a, b in itertools.pairwise(word)):
        return -0.5  # "ЖьЛЬ": case flips inside a word
    if len(word) >= 4 and all("\u00c0" <= c <= "\u00ff" for c in word):
        return -0.5  # "Ïðèâåò": Cyrillic read as cp1252
    if alphabetic != {"latin"} and len(word) >= 4 and word.isupper():
        return 0.5  # "ЖЯЖЯТ": mis-decodes of double-byte text come out in capitals
    return 0.9 if len(word) > 1 else 0.5


def _script(c: str) -> str:
    o = ord(c)
    if o < 0x250 or 0x1E00 <= o <= 0x1EFF:
        return "latin"
    if 0xAC00 <= o <= 0xD7AF or 0x1100 <= o <= 0x11FF or 0x3130 <= o <= 0x318F:
        return "hangul"
    if 0x3040 <= o <= 0x30FF or 0xFF61 <= o <= 0xFF9F:
        return "kana"
    if 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or o >= 0x20000:
        return "han"
    name = unicodedata.name(c, "?").split(" ")[0].lower()
    return name
