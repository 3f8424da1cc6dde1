"""Deterministic generator of finews-shaped Jekyll archives, for benchmarks and scale tests.

``generate(dest, count, seed)`` writes ``dest/_config.yml`` and ``count`` posts shaped like the
2022 finews archive: YAML front matter (``title: "..."`` unescaped, ``date: 2022-05-30 17:33:09
+0800``, ``categories: emnews`` ...), an optional ``> `` digest, raw-HTML paragraphs with
eastmoney security links in the archive's forms (``keytip`` anchors inside ``stock_``/``bk_``/
``Info.`` spans, ``em_stock_key_common`` spans), topic-keyword links, centred images, the
``em_media`` source line, the original-URL autolink and the ``[返回...]`` footer.  About 10%
of the posts go to ``old_post/`` as in the real archive; a small fraction is broken on purpose
(inner unescaped ``"`` in the title, ``date:  +0800``, empty body, binary junk).

The same ``(count, seed, start, broken_ratio, layout)`` always gives byte-identical files.
The text is assembled from a fixed vocabulary of a few hundred Chinese financial-news
sentences so that one-, two- and four-character searches have varied hit rates.

Command line::

    python tests/benchmarks/archive_gen.py DEST --count 100000 --seed 1
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import random
import sys
import time
from pathlib import Path
from typing import Any

CST = dt.timezone(dt.timedelta(hours=8))
DEFAULT_START = dt.datetime(2022, 1, 1, tzinfo=CST)
LAYOUTS = ("jekyll", "flat")
BROKEN_KINDS = ("quote_title", "no_date", "empty_body", "binary")

CONFIG_YML = """theme: jekyll-theme-minimal

lang: zh-CN
title: 金融消息
show_downloads: false
safe: true
url: https://finews.example.invalid
timezone: Asia/Shanghai
author: finews-reader benchmarks

plugins:
  - jekyll-feed
"""

# --------------------------------------------------------------------------------------------
# Securities: (secid, name, kind, topics).  kind: "a" (A share), "hk", "us", "bk" (board).
# --------------------------------------------------------------------------------------------

_A_SHARES = """
1.600519 贵州茅台 baijiu|0.000858 五粮液 baijiu|0.000568 泸州老窖 baijiu|1.600809 山西汾酒 baijiu
0.002304 洋河股份 baijiu|1.603369 今世缘 baijiu|0.000596 古井贡酒 baijiu|1.600779 水井坊 baijiu
1.600600 青岛啤酒 baijiu|0.000799 酒鬼酒 baijiu|0.300750 宁德时代 ev|0.002594 比亚迪 ev
0.002460 赣锋锂业 ev|0.002466 天齐锂业 ev|0.300014 亿纬锂能 ev|0.002812 恩捷股份 ev
1.603799 华友钴业 ev|0.300124 汇川技术 ev|1.601633 长城汽车 ev|1.600104 上汽集团 ev
0.000625 长安汽车 ev|1.601127 赛力斯 ev|1.601238 广汽集团 ev|0.002920 德赛西威 ev
1.601689 拓普集团 ev|1.603596 伯特利 ev|0.300073 当升科技 ev|0.002709 天赐材料 ev
1.601012 隆基绿能 solar|1.600438 通威股份 solar|0.300274 阳光电源 solar|1.688599 天合光能 solar
0.002459 晶澳科技 solar|0.300763 锦浪科技 solar|1.603806 福斯特 solar|0.002129 TCL中环 solar
1.688223 晶科能源 solar|1.601865 福莱特 solar|0.300751 迈为股份 solar|1.688390 固德威 solar
1.601318 中国平安 bank|1.601628 中国人寿 bank|1.601601 中国太保 bank|1.601336 新华保险 bank
1.600036 招商银行 bank|1.601398 工商银行 bank|1.601939 建设银行 bank|1.601288 农业银行 bank
1.601988 中国银行 bank|1.601328 交通银行 bank|1.601166 兴业银行 bank|0.000001 平安银行 bank
1.600000 浦发银行 bank|1.600016 民生银行 bank|0.002142 宁波银行 bank|1.601009 南京银行 bank
1.600919 江苏银行 bank|1.601658 邮储银行 bank|1.600030 中信证券 broker|1.601211 国泰君安 broker
1.600837 海通证券 broker|1.601688 华泰证券 broker|0.300059 东方财富 broker|1.600999 招商证券 broker
0.000776 广发证券 broker|1.601066 中信建投 broker|1.601995 中金公司 broker|1.600958 东方证券 broker
0.000166 申万宏源 broker|1.601881 中国银河 broker|1.601901 方正证券 broker|0.002736 国信证券 broker
1.688981 中芯国际 chip|1.603501 韦尔股份 chip|1.688012 中微公司 chip|0.002371 北方华创 chip
1.603986 兆易创新 chip|0.300782 卓胜微 chip|1.688008 澜起科技 chip|1.600584 长电科技 chip
0.002049 紫光国微 chip|1.688256 寒武纪 chip|1.688041 海光信息 chip|0.300661 圣邦股份 chip
1.600745 闻泰科技 chip|0.300223 北京君正 chip|1.688396 华润微 chip|1.603290 斯达半导 chip
0.002415 海康威视 tech|0.002475 立讯精密 tech|0.000725 京东方A tech|0.000063 中兴通讯 tech
1.600941 中国移动 tech|1.601728 中国电信 tech|1.600050 中国联通 tech|0.300308 中际旭创 tech
0.002230 科大讯飞 tech|1.688111 金山办公 tech|1.600588 用友网络 tech|0.300496 中科创达 tech
0.002241 歌尔股份 tech|0.300433 蓝思科技 tech|1.601360 三六零 tech|0.002602 世纪华通 tech
0.002555 三七互娱 tech|1.603444 吉比特 tech|0.300413 芒果超媒 tech|0.000333 美的集团 consumer
0.000651 格力电器 consumer|1.600690 海尔智家 consumer|1.600887 伊利股份 consumer
1.603288 海天味业 consumer|0.000895 双汇发展 consumer|1.601888 中国中免 consumer
0.002027 分众传媒 consumer|1.603605 珀莱雅 consumer|1.600276 恒瑞医药 pharma
1.603259 药明康德 pharma|0.300760 迈瑞医疗 pharma|0.300015 爱尔眼科 pharma|0.300122 智飞生物 pharma
1.600436 片仔癀 pharma|0.000538 云南白药 pharma|0.300347 泰格医药 pharma|1.688180 君实生物 pharma
0.000661 长春高新 pharma|1.600196 复星医药 pharma|0.300142 沃森生物 pharma|0.300759 康龙化成 pharma
0.000002 万科A property|1.600048 保利发展 property|0.001979 招商蛇口 property|1.600383 金地集团 property
1.600606 绿地控股 property|0.000069 华侨城A property|1.601155 新城控股 property|1.600325 华发股份 property
0.002146 荣盛发展 property|1.601899 紫金矿业 commodity|1.600547 山东黄金 commodity
1.601088 中国神华 commodity|1.600188 兖矿能源 commodity|1.601225 陕西煤业 commodity
1.600028 中国石化 commodity|1.601857 中国石油 commodity|1.600938 中国海油 commodity
0.000831 中国稀土 commodity|1.600111 北方稀土 commodity|1.601600 中国铝业 commodity
0.000630 铜陵有色 commodity|1.600362 江西铜业 commodity|1.600019 宝钢股份 commodity
1.601668 中国建筑 macro|1.601390 中国中铁 macro|1.601186 中国铁建 macro|1.601800 中国交建 macro
1.600031 三一重工 macro|0.000425 徐工机械 macro|1.601766 中国中车 macro|1.600900 长江电力 solar
1.601985 中国核电 solar|1.600011 华能国际 solar|1.600905 三峡能源 solar|1.600760 中航沈飞 macro
1.600893 航发动力 macro|0.000768 中航西飞 macro|1.600150 中国船舶 macro|1.601111 中国国航 consumer
1.600029 南方航空 consumer|1.601021 春秋航空 consumer|1.600009 上海机场 consumer
0.002352 顺丰控股 consumer|1.601919 中远海控 macro|1.601006 大秦铁路 macro|1.601816 京沪高铁 macro
0.002714 牧原股份 consumer|0.300498 温氏股份 consumer|0.000876 新希望 consumer
0.002311 海大集团 consumer|0.000998 隆平高科 consumer|0.830799 艾融软件 tech|0.430047 诺思兰德 pharma
0.300033 同花顺 broker|1.600570 恒生电子 broker
"""

_HK_SHARES = """
116.00700 腾讯控股 tech|116.09988 阿里巴巴-SW tech|116.03690 美团-W tech|116.01810 小米集团-W tech
116.09618 京东集团-SW tech|116.09999 网易-S tech|116.01024 快手-W tech|116.09888 百度集团-SW tech
116.00005 汇丰控股 bank|116.00388 香港交易所 broker|116.01299 友邦保险 bank|116.02020 安踏体育 consumer
116.02331 李宁 consumer|116.01211 比亚迪股份 ev|116.09868 小鹏汽车-W ev|116.02015 理想汽车-W ev
116.09866 蔚来-SW ev|116.00883 中国海洋石油 commodity|116.02269 药明生物 pharma
116.01177 中国生物制药 pharma|116.00669 创科实业 consumer|116.00027 银河娱乐 consumer
116.01928 金沙中国有限公司 consumer|116.09869 海伦司 consumer|116.06862 海底捞 consumer
116.09633 农夫山泉 consumer|116.00291 华润啤酒 baijiu|116.02319 蒙牛乳业 consumer
116.01109 华润置地 property|116.00688 中国海外发展 property|116.02007 碧桂园 property
116.01918 融创中国 property|116.00960 龙湖集团 property|116.02382 舜宇光学科技 tech
116.00992 联想集团 tech|116.06618 京东健康 pharma|116.00241 阿里健康 pharma|116.01347 华虹半导体 chip
116.00285 比亚迪电子 tech|116.09992 泡泡玛特 consumer|116.00772 阅文集团 tech
116.03888 金山软件 tech|116.09626 哔哩哔哩-SW tech|116.00175 吉利汽车 ev|116.00002 中电控股 solar
116.00016 新鸿基地产 property|116.00001 长和 macro|116.00011 恒生银行 bank|116.00916 龙源电力 solar
116.06160 百济神州 pharma|116.01801 信达生物 pharma|116.00020 商汤-W tech|116.09961 携程集团-S consumer
116.00780 同程旅行 consumer|116.09898 微博-SW tech|116.01876 百威亚太 baijiu|116.00322 康师傅控股 consumer
116.00151 中国旺旺 consumer|116.06969 思摩尔国际 consumer|116.00968 信义光能 solar|116.03800 协鑫科技 solar
116.02688 新奥能源 commodity|116.00384 中国燃气 commodity|116.01833 平安好医生 pharma
116.02013 微盟集团 tech|116.01888 建滔积层板 chip|116.00135 昆仑能源 commodity
"""

_US_SHARES = """
106.NIO 蔚来 ev|105.PDD 拼多多 tech|106.BABA 阿里巴巴 tech|105.JD 京东 tech|105.BIDU 百度 tech
105.NTES 网易 tech|105.LI 理想汽车 ev|106.XPEV 小鹏汽车 ev|105.BILI 哔哩哔哩 tech
106.TME 腾讯音乐 tech|105.IQ 爱奇艺 tech|106.YMM 满帮 tech|105.TCOM 携程网 consumer
106.BEKE 贝壳 property|106.ZTO 中通快递 consumer|106.EDU 新东方 consumer|106.TAL 好未来 consumer
105.WB 微博 tech|105.HTHT 华住 consumer|105.AAPL 苹果 tech|105.MSFT 微软 tech|105.NVDA 英伟达 chip
105.TSLA 特斯拉 ev|105.AMZN 亚马逊 tech|105.GOOGL 谷歌-A tech|105.META Meta_Platforms tech
105.INTC 英特尔 chip|105.AMD 美国超微公司 chip|106.TSM 台积电 chip|105.QCOM 高通 chip
106.JPM 摩根大通 fed|106.GS 高盛 fed|106.BA 波音 fed|106.XOM 埃克森美孚 commodity
106.KO 可口可乐 consumer|105.NFLX 奈飞 tech|105.COIN Coinbase fed|106.NKE 耐克 consumer
106.WMT 沃尔玛 consumer|106.DIS 迪士尼 consumer|105.ASML 阿斯麦 chip|106.MS 摩根士丹利 fed
106.BAC 美国银行 fed|106.PFE 辉瑞 pharma|105.MRNA Moderna pharma|105.ZM Zoom tech
106.CVX 雪佛龙 commodity|105.MU 美光科技 chip|105.AVGO 博通 chip|106.V Visa fed
"""

_BOARDS = """
90.BK0493 新能源 solar|90.BK0475 银行 bank|90.BK0473 证券 broker|90.BK0474 保险 bank
90.BK0477 酿酒行业 baijiu|90.BK0478 有色金属 commodity|90.BK0479 钢铁行业 commodity
90.BK0481 汽车零部件 ev|90.BK0451 房地产开发 property|90.BK0465 化学制药 pharma
90.BK0447 互联网服务 tech|90.BK0459 电子元件 chip|90.BK0891 国产芯片 chip|90.BK0917 半导体概念 chip
90.BK0800 人工智能 tech|90.BK0579 云计算 tech|90.BK0922 数据中心 tech|90.BK0989 储能 solar
90.BK0581 智能电网 solar|90.BK1061 数字经济 tech|90.BK1005 专精特新 macro|90.BK0823 养老金 fund
90.BK0574 锂电池 ev|90.BK0978 光伏设备 solar|90.BK0900 新能源车 ev|90.BK0968 固态电池 ev
90.BK0548 生物疫苗 pharma|90.BK0727 医疗服务 pharma|90.BK0438 食品饮料 consumer
90.BK0456 家电行业 consumer|90.BK0428 电力行业 solar|90.BK0437 煤炭行业 commodity
90.BK0464 石油行业 commodity|90.BK0480 航天航空 macro|90.BK0485 旅游酒店 consumer
90.BK0420 航空机场 consumer|90.BK0596 融资融券 broker|90.BK0804 深股通 market
90.BK0707 沪股通 market|90.BK0498 AH股 hk|90.BK0494 节能环保 solar|90.BK0547 黄金概念 commodity
90.BK0500 HS300_ market|90.BK0499 AB股 market|90.BK0701 中证500 market
"""


def _parse_securities() -> list[tuple[str, str, str, str]]:
    out: list[tuple[str, str, str, str]] = []
    for kind, block in (("a", _A_SHARES), ("hk", _HK_SHARES), ("us", _US_SHARES), ("bk", _BOARDS)):
        for item in block.replace("\n", "|").split("|"):
            item = item.strip()
            if not item:
                continue
            secid, name, topic = item.split()
            out.append((secid, name.replace("Meta_Platforms", "Meta Platforms"), kind, topic))
    return out


SECURITIES: list[tuple[str, str, str, str]] = _parse_securities()

# --------------------------------------------------------------------------------------------
# Vocabulary.  Slots: {p} {p2} percent, {c} small percent, {y} large amount, {s} small amount,
# {u} {r} rates, {i} {t} {o} integers, {g} digit, {i2} two digits, {m} month, {d} day, {q} quarter,
# {bp} basis points, {k} four-digit index level.  {S} is a security mention (filled per post).
# --------------------------------------------------------------------------------------------

TOPIC_SENTENCES: dict[str, list[str]] = {
    "monetary": [
        "央行决定于{m}月{d}日下调金融机构存款准备金率{bp}个基点，预计释放长期资金约{i}00亿元。",
        "本次降准是年内第二次全面降准，释放的资金将主要用于支持实体经济发展。",
        "央行今日开展{i}0亿元7天期逆回购操作，中标利率持平于2.0%。",
        "由于当日有{i}0亿元逆回购到期，央行公开市场实现净投放。",
        "本月一年期LPR报3.{i2}%，五年期以上LPR报4.30%，均与上月持平。",
        "央行开展{i}00亿元中期借贷便利操作，以满足金融机构的流动性需求。",
        "市场人士认为，月末资金面季节性收紧，央行加大投放有助于稳定市场预期。",
        "分析人士指出，降准释放的长期资金可以降低银行负债成本，进而引导贷款利率下行。",
        "央行有关负责人表示，将保持流动性合理充裕，保持货币供应量和社会融资规模同经济增长相匹配。",
        "稳健的货币政策要灵活适度，精准有力，更好发挥货币政策工具的总量和结构双重功能。",
        "银行间市场隔夜质押式回购利率下行{bp}个基点，资金面整体保持宽松。",
        "有观点认为，后续仍有降息空间，政策利率或将小幅下调。",
        "央行发布的货币政策执行报告提出，要继续深化利率市场化改革。",
        "结构性货币政策工具将继续发挥牵引带动作用，加大对小微企业和科技创新的支持。",
        "本轮降准落地后，金融机构加权平均存款准备金率约为7.{i2}%。",
        "再贷款再贴现额度的增加，将进一步降低实体经济综合融资成本。",
        "业内普遍预计，年底前央行将继续通过公开市场操作平滑流动性波动。",
        "人民币汇率在合理均衡水平上保持基本稳定，外汇市场预期总体平稳。",
        "市场利率定价自律机制推动存款利率下调，银行负债端压力有所缓解。",
        "国债期货全线收涨，十年期国债收益率下行至2.{i2}%附近。",
    ],
    "macro": [
        "国家统计局公布的数据显示，{m}月份全国居民消费价格同比上涨{c}%。",
        "{m}月份，全国工业生产者出厂价格同比下降{p}%，环比基本持平。",
        "{m}月份制造业采购经理指数为49.{g}%，比上月有所回落。",
        "前三季度国内生产总值同比增长{c}%，经济运行总体恢复向好。",
        "{m}月社会融资规模增量为{t}万亿元，比上年同期多增较多。",
        "海关总署数据显示，以人民币计价，前{m}个月我国货物贸易进出口总值同比增长{p}%。",
        "社会消费品零售总额同比增长{p}%，其中汽车类零售额增速较快。",
        "全国固定资产投资同比增长{p}%，基础设施投资增速连续多月回升。",
        "规模以上工业增加值同比实际增长{p}%，装备制造业增长较快。",
        "城镇调查失业率为5.{g}%，就业形势总体稳定。",
        "专家表示，随着稳经济一揽子政策措施持续显效，经济有望延续恢复态势。",
        "财政部数据显示，前{m}个月全国一般公共预算收入{u}万亿元。",
        "地方政府专项债券发行进度明显加快，对稳投资形成有力支撑。",
        "国务院常务会议部署进一步稳经济的措施，强调要保持经济运行在合理区间。",
        "分析人士认为，内需恢复仍需时间，政策仍需在扩大有效需求上持续发力。",
        "非制造业商务活动指数回落至荣枯线附近，服务业恢复节奏有所放缓。",
        "出口增速有所放缓，外需走弱对我国出口的影响正在显现。",
        "居民存款持续增加，显示储蓄意愿依然较强。",
        "多地出台促消费政策，发放消费券并举办各类促销活动。",
        "基建投资在政策性开发性金融工具的带动下保持较快增长。",
    ],
    "baijiu": [
        "白酒板块整体走强，高端白酒龙头再度获得资金青睐。",
        "业内人士表示，临近春节，白酒进入传统消费旺季，渠道备货积极性较高。",
        "飞天茅台批发价格近期有所回落，市场对高端白酒需求变化较为关注。",
        "次高端白酒受到宴席消费恢复的带动，部分酒企动销明显改善。",
        "多家白酒企业公布三季报，营收和净利润均实现两位数增长。",
        "从渠道反馈看，经销商库存处于合理水平，回款进度好于预期。",
        "茅台推出的数字营销平台上线后，注册用户数量持续增长。",
        "白酒行业集中度进一步提升，头部企业的品牌优势愈发明显。",
        "有机构认为，消费复苏将是明年白酒行业的主要看点。",
        "部分酒企宣布上调产品出厂价，幅度在{p}%左右。",
        "酱香型白酒热度不减，多家企业加大酱香产能投资。",
        "啤酒行业高端化进程加速，吨酒价格持续提升。",
        "食品饮料板块估值已回落至近五年均值以下，具备一定配置价值。",
        "调味品企业成本压力有所缓解，毛利率有望逐步修复。",
        "白酒消费场景正在恢复，商务宴请需求明显回暖。",
        "券商研报指出，高端白酒需求韧性较强，全年业绩确定性较高。",
        "部分区域性酒企加快省外扩张步伐，市场竞争有所加剧。",
        "年轻消费群体对低度酒和果酒的兴趣提升，推动产品结构多元化。",
    ],
    "ev": [
        "新能源汽车产销继续保持高速增长，{m}月新能源汽车销量同比增长{i}%。",
        "中国汽车工业协会数据显示，新能源汽车市场渗透率已提升至{p}%。",
        "动力电池装车量同比大幅增长，宁德时代与比亚迪合计市场份额超过七成。",
        "碳酸锂价格高位震荡，电池级碳酸锂报价每吨超过{o}万元。",
        "锂电池产业链上游资源价格上涨，中游材料企业成本压力加大。",
        "多家车企宣布上调部分车型售价，以应对原材料成本上涨。",
        "新能源汽车购置税减免政策延续，有助于稳定汽车消费预期。",
        "充电基础设施建设加快推进，全国充电桩保有量持续增长。",
        "固态电池技术路线受到市场关注，多家企业加快研发布局。",
        "造车新势力公布月度交付数据，部分品牌交付量创出新高。",
        "汽车出口表现亮眼，新能源汽车成为出口增长的重要动力。",
        "钠离子电池产业化进程提速，有望在储能和两轮车领域率先应用。",
        "智能驾驶成为车企竞争焦点，激光雷达等零部件需求快速增长。",
        "分析人士认为，明年新能源汽车行业将从政策驱动转向市场驱动。",
        "锂电池隔膜、电解液等环节产能扩张较快，行业竞争加剧。",
        "整车厂加快垂直整合，自建电池产能的趋势愈发明显。",
        "新能源车企价格战持续，行业利润向头部企业集中。",
        "乘联会数据显示，{m}月乘用车零售销量同比增长{p}%。",
        "换电模式在商用车领域加快推广，多个城市开展试点。",
        "一体化压铸技术逐步普及，有助于降低整车制造成本。",
    ],
    "solar": [
        "光伏板块震荡走高，硅料价格松动带动产业链利润重新分配。",
        "多晶硅致密料均价报每吨{t}万元，环比下跌{p}%。",
        "国家能源局数据显示，前{m}个月全国光伏新增装机{s}吉瓦，同比大幅增长。",
        "光伏组件出口保持较快增长，欧洲市场需求依然旺盛。",
        "N型电池技术加速渗透，TOPCon和HJT产能规划不断扩大。",
        "储能行业迎来快速发展期，多地出台新型储能支持政策。",
        "大型风电光伏基地项目加快建设，带动相关设备需求。",
        "硅片价格下调，下游组件企业盈利能力有望改善。",
        "分布式光伏发展迅速，整县推进试点项目陆续落地。",
        "绿电交易规模持续扩大，新能源发电企业收益结构改善。",
        "业内人士表示，明年光伏装机有望继续保持高增长。",
        "光伏玻璃价格企稳，行业开工率维持在较高水平。",
        "逆变器企业海外收入占比提升，受益于全球能源转型。",
        "电力市场化改革持续推进，峰谷电价差扩大利好储能项目经济性。",
        "风电招标量同比增长，海上风电项目建设进度加快。",
        "新能源发电量占比持续提升，能源结构清洁化转型加速。",
        "抽水蓄能项目核准数量增加，长期配置价值受到关注。",
        "光伏产业链各环节扩产规模较大，部分环节或面临产能过剩风险。",
    ],
    "chip": [
        "半导体板块午后拉升，芯片股集体走强。",
        "国产替代持续推进，半导体设备和材料环节订单饱满。",
        "全球半导体销售额同比下降，消费电子需求疲软拖累存储芯片价格。",
        "晶圆代工厂产能利用率有所下滑，部分成熟制程价格松动。",
        "集成电路产业投资基金加大对设备和材料企业的投资力度。",
        "美国对华芯片出口管制升级，国产芯片自主可控的重要性进一步凸显。",
        "存储芯片价格连续下跌，行业库存调整仍在持续。",
        "汽车芯片供应紧张局面有所缓解，但高端车规级芯片依然偏紧。",
        "芯片设计企业加大研发投入，研发费用占营收比重持续提升。",
        "分析人士认为，半导体行业周期底部已经临近，明年有望迎来复苏。",
        "先进封装技术受到重视，Chiplet相关概念股表现活跃。",
        "科创板半导体企业三季度营收同比增长{p}%，盈利能力分化明显。",
        "国内晶圆厂扩产项目稳步推进，带动设备国产化率提升。",
        "模拟芯片需求相对稳健，工业和汽车领域订单保持增长。",
        "光刻胶等关键材料国产化进程加快，部分产品已通过客户验证。",
        "消费电子去库存接近尾声，手机芯片需求有望逐步回暖。",
        "人工智能算力需求快速增长，带动高端GPU和服务器芯片需求。",
        "半导体指数年内累计下跌{t}%，估值处于历史低位。",
    ],
    "broker": [
        "券商板块异动拉升，多只券商股盘中涨停。",
        "两市成交额连续{i}个交易日突破万亿元，市场交投趋于活跃。",
        "沪深两市两融余额报1{i}00亿元，较前一交易日有所增加。",
        "券商三季报显示，经纪业务收入同比下降，自营业务表现分化。",
        "投行业务保持较快增长，头部券商IPO承销金额居前。",
        "全面注册制改革稳步推进，券商投行业务有望迎来新的发展机遇。",
        "分析人士认为，券商板块估值处于历史底部区域，具备较高安全边际。",
        "财富管理转型成效显现，券商代销金融产品收入占比提升。",
        "多家券商获批开展个人养老金业务，布局养老金融新赛道。",
        "券商资管公募化改造持续推进，多家券商申请公募基金牌照。",
        "行业集中度进一步提升，头部券商在各项业务上优势扩大。",
        "监管部门支持券商通过发行公司债等方式补充资本。",
        "券商衍生品业务规模快速扩张，场外期权名义本金持续增长。",
        "证券行业数字化转型加速，线上业务办理比例已超过九成。",
        "部分中小券商积极寻求特色化发展路径，聚焦区域市场和细分领域。",
        "券商板块历来是牛市旗手，其走势被视为市场情绪的风向标。",
        "今年以来证券公司债券发行规模同比下降，融资需求有所减弱。",
        "券商分析师普遍认为，政策面暖风频吹，板块有望迎来估值修复。",
    ],
    "fund": [
        "今年以来新成立公募基金{i}0余只，合计发行规模超过{i}00亿元。",
        "权益类基金发行遇冷，多只新基金宣布延长募集期。",
        "公募基金三季度末资产管理规模达到2{t}万亿元，创出历史新高。",
        "基金经理调仓换股迹象明显，消费和医药板块获得加仓。",
        "多只基金发布分红公告，年内基金分红总额已超过千亿元。",
        "个人养老金制度正式落地，首批养老目标基金纳入名录。",
        "ETF市场持续扩容，宽基指数ETF获得资金大幅净申购。",
        "部分明星基金经理管理的产品年内净值回撤较大，引发投资者关注。",
        "基金公司纷纷开展自购，以提振投资者信心。",
        "债券基金遭遇赎回压力，部分短债基金净值出现回撤。",
        "私募基金备案数量有所下降，证券类私募仓位维持中等水平。",
        "公募REITs市场扩容提速，新发产品受到机构投资者积极认购。",
        "指数增强基金今年以来整体跑赢基准，超额收益较为稳定。",
        "FOF基金规模持续增长，成为居民资产配置的重要工具。",
        "基金投顾业务试点稳步推进，服务客户数量持续增加。",
        "分析人士表示，基金发行冰点往往对应市场底部区域。",
        "QDII基金额度使用率提高，投资者跨境配置需求增加。",
        "货币基金收益率持续下行，七日年化收益率跌破1.{i2}%。",
    ],
    "market": [
        "A股三大指数早盘集体高开，沪指站上{k}点整数关口。",
        "截至收盘，沪指涨{x}%，深成指涨{p2}%，创业板指涨{p}%。",
        "两市个股涨多跌少，超过{i}00只个股上涨。",
        "北向资金全天净买入{s}亿元，连续{i}个交易日净流入。",
        "北向资金当日净卖出{s}亿元，其中沪股通净卖出居多。",
        "板块方面，旅游酒店、航空机场、食品饮料等板块涨幅居前。",
        "煤炭、石油、有色金属等资源类板块跌幅居前。",
        "市场成交额较上一交易日有所放大，资金情绪明显回暖。",
        "沪指午后跳水，一度跌破{k}点，随后跌幅有所收窄。",
        "创业板指全天弱势震荡，新能源赛道股集体调整。",
        "涨停板数量超过{i}家，市场赚钱效应有所提升。",
        "分析人士认为，市场短期仍以震荡为主，建议关注估值与业绩匹配度较高的品种。",
        "沪深300指数年内累计下跌{t}%，市场整体估值处于历史较低水平。",
        "科创50指数午后翻红，半导体和软件开发板块表现活跃。",
        "大盘蓝筹股表现强势，银行、保险板块护盘明显。",
        "题材股炒作降温，连板高度明显下降。",
        "机构人士指出，稳增长政策持续发力，A股中长期配置价值凸显。",
        "融资客近一周加仓明显，融资净买入额居前的多为行业龙头。",
        "主力资金全天净流出{s}亿元，电子、计算机行业净流出居前。",
        "从技术面看，沪指在{k}点附近存在较强支撑。",
    ],
    "fed": [
        "美联储宣布加息75个基点，将联邦基金利率目标区间上调至3.75%至4.00%。",
        "美联储主席鲍威尔表示，抗击通胀的工作远未结束。",
        "美国劳工部数据显示，美国{m}月CPI同比上涨{c}%，高于市场预期。",
        "市场预计美联储将在下次议息会议上放缓加息步伐。",
        "美元指数一度升破1{g}0关口，非美货币普遍承压。",
        "十年期美债收益率升至{r}%，创出多年新高。",
        "美国非农就业人数增加{i}万人，失业率维持在3.{g}%。",
        "美股三大股指集体收跌，纳斯达克指数跌幅超过{p}%。",
        "欧洲央行宣布加息75个基点，为其史上最大幅度加息之一。",
        "日本央行维持超宽松货币政策不变，日元兑美元汇率持续走弱。",
        "市场担忧激进加息可能将美国经济推入衰退。",
        "美债收益率曲线倒挂加深，被视为经济衰退的前瞻信号。",
        "国际货币基金组织下调全球经济增长预期，认为最坏的时期可能还未到来。",
        "英国国债市场剧烈波动，英国央行宣布临时购债稳定市场。",
        "美联储会议纪要显示，多数官员支持尽快放缓加息节奏。",
        "中概股集体走强，纳斯达克中国金龙指数大涨{p}%。",
        "美国零售销售数据好于预期，显示消费者支出仍具韧性。",
        "分析人士指出，海外流动性收紧对新兴市场资本流动构成压力。",
    ],
    "hk": [
        "恒生指数收涨{x}%，报1{g}{i2}0点；恒生科技指数涨{p}%。",
        "港股三大指数集体低开，科技股普遍走弱。",
        "南向资金今日净买入{s}亿港元，连续多日保持净流入。",
        "港股通标的调整生效，多只个股被纳入港股通名单。",
        "香港交易所数据显示，港股市场日均成交额有所回落。",
        "中资地产股大幅反弹，多只个股涨幅超过{i}%。",
        "港股新股市场有所回暖，多家企业递表申请在港上市。",
        "内房股持续活跃，市场对地产融资支持政策反应积极。",
        "恒生指数年内累计下跌{t}%，估值处于历史低位。",
        "外资机构认为，港股估值已充分反映悲观预期，下行空间有限。",
        "港股医药股午后走强，创新药企涨幅居前。",
        "港股互联网平台公司陆续发布季度业绩，整体好于市场预期。",
        "卖空成交额占比维持高位，显示市场分歧仍较大。",
        "港元汇率触及弱方兑换保证，香港金管局入市承接港元沽盘。",
        "香港特区政府推出多项措施，吸引海外企业和人才。",
        "恒生科技指数成分股调整，新增多只新经济公司。",
        "内资券商预计，港股市场有望在政策推动下迎来估值修复。",
        "澳门博彩股全线上涨，市场憧憬旅游业逐步恢复。",
    ],
    "property": [
        "房地产板块集体走强，多只地产股涨停。",
        "监管部门出台措施支持房地产企业合理融资需求，房企融资环境边际改善。",
        "百强房企{m}月销售额同比下降{i}%，市场仍处于筑底阶段。",
        "多地出台楼市松绑政策，包括降低首付比例和发放购房补贴。",
        "首套房贷利率下限下调，部分城市首套房贷利率降至4%以下。",
        "保交楼专项借款加快落地，已有多个项目复工。",
        "民营房企债券融资支持工具扩容，多家房企获得增信发债。",
        "国家统计局数据显示，全国房地产开发投资同比下降{p}%。",
        "70个大中城市新建商品住宅价格环比下降城市数量有所减少。",
        "房企拿地意愿依然偏弱，土地市场成交较为冷清。",
        "业内人士认为，随着支持政策持续加码，房地产市场有望逐步企稳。",
        "银行加大对房地产行业的信贷支持，多家国有大行与房企签订战略合作协议。",
        "房地产行业风险化解稳步推进，部分出险房企债务展期方案获得通过。",
        "保障性租赁住房建设提速，多地推出租赁住房REITs项目。",
        "二手房挂牌量增加，部分城市二手房价格出现松动。",
        "物业管理企业业绩分化，第三方拓展能力成为竞争关键。",
        "房企三季度末净负债率整体下降，现金短债比有所改善。",
        "地产链相关的建材、家居板块随之走强。",
    ],
    "bank": [
        "银行板块逆势上涨，国有大行股价创出阶段新高。",
        "上市银行三季报显示，净息差同比收窄，营收增速有所放缓。",
        "银行不良贷款率较年初下降{bp}个基点，资产质量总体稳定。",
        "多家银行下调存款利率，以缓解净息差收窄压力。",
        "银行理财产品净值大幅波动，破净产品数量明显增加。",
        "保险行业原保险保费收入同比增长{p}%，寿险业务仍承压。",
        "险资权益投资比例上升，对高股息蓝筹股配置需求增加。",
        "监管部门要求银行加大对制造业中长期贷款的投放力度。",
        "银行板块股息率处于历史较高水平，具备较高的配置价值。",
        "普惠小微贷款余额同比增长超过{i}%，增速高于各项贷款平均增速。",
        "商业银行资本充足率保持在较高水平，风险抵御能力较强。",
        "部分城商行和农商行发行二级资本债补充资本。",
        "险企新业务价值同比下降，代理人渠道转型仍在持续。",
        "分析人士认为，稳增长政策发力有助于改善银行资产质量预期。",
        "财产险保费增长较快，车险综合改革效果逐步显现。",
        "银行业金融机构总资产同比增长{p}%，信贷投放节奏加快。",
        "多家银行信用卡业务增速放缓，消费金融风险有所上升。",
        "养老保险第三支柱建设提速，商业养老保险产品创新加快。",
    ],
    "pharma": [
        "医药板块午后走强，创新药和医疗器械个股涨幅居前。",
        "第七批国家药品集采开标，拟中选药品平均降价{i}%。",
        "国家医保药品目录谈判结果公布，多款创新药通过谈判进入医保。",
        "CXO板块持续调整，市场担忧海外订单增速放缓。",
        "医疗器械集采范围扩大，骨科耗材价格大幅下降。",
        "疫苗企业加快新型疫苗研发，多款产品进入临床试验阶段。",
        "创新药企出海步伐加快，多个品种获得海外授权。",
        "医疗服务价格改革试点推进，民营医院经营环境改善。",
        "中药板块表现活跃，多家中药企业上调产品价格。",
        "生物医药企业融资环境偏紧，一级市场融资额同比下降。",
        "分析人士认为，医药板块估值已回落至历史低位，具备配置价值。",
        "医院诊疗量逐步恢复，医药企业院内销售有所改善。",
        "国家卫健委发布通知，进一步优化医疗资源配置。",
        "眼科、口腔等消费医疗领域需求旺盛，连锁专科医院扩张提速。",
        "原料药价格有所回落，相关企业毛利率有望改善。",
        "新冠检测和防疫物资需求变化，相关企业业绩波动加大。",
        "医药研发外包企业在手订单充足，全年业绩指引维持不变。",
    ],
    "commodity": [
        "国际油价大幅波动，布伦特原油期货价格跌破每桶{o}美元。",
        "欧佩克+宣布减产，原油价格应声上涨。",
        "国际金价震荡走高，现货黄金一度突破每盎司17{i}美元。",
        "铜价受宏观预期改善带动反弹，沪铜主力合约上涨{p}%。",
        "铁矿石期货价格持续走弱，钢厂利润有所修复。",
        "动力煤价格高位回落，电厂库存处于较高水平。",
        "国内成品油价格迎来调整，汽油和柴油每吨分别下调{i}0元。",
        "稀土价格企稳回升，下游永磁材料需求保持增长。",
        "天然气价格在冬季用气高峰前大幅上涨，欧洲能源危机加剧。",
        "铝价受能源成本上升影响维持高位，部分冶炼厂减产。",
        "农产品期货表现分化，豆粕价格创出近年新高。",
        "大宗商品市场整体承压，美元走强对商品价格形成压制。",
        "黄金ETF持仓量连续下降，投资需求有所减弱。",
        "央行连续多月增持黄金储备，黄金储备规模持续上升。",
        "生猪价格快速上涨，养殖企业盈利大幅改善。",
        "煤炭企业三季度业绩亮眼，高分红预期受到市场关注。",
        "航运价格持续回落，集装箱运价指数较年初下跌超过{i}%。",
    ],
    "tech": [
        "科技股集体反弹，人工智能和云计算概念股涨幅居前。",
        "数字经济发展规划出台，数据要素市场建设提速。",
        "平台经济常态化监管持续推进，互联网企业经营预期改善。",
        "人工智能大模型成为科技巨头竞争的新焦点。",
        "信创产业加快推进，国产基础软件市场空间广阔。",
        "5G基站建设持续推进，5G用户渗透率稳步提升。",
        "数据中心建设加快，东数西算工程全面启动。",
        "游戏版号恢复常态化发放，游戏行业迎来政策利好。",
        "互联网企业三季度业绩好于预期，降本增效成效显著。",
        "元宇宙概念持续升温，虚拟现实设备出货量快速增长。",
        "消费电子需求疲软，手机出货量同比下降{p}%。",
        "网络安全行业景气度较高，政府和企业安全投入持续增加。",
        "软件企业收入确认集中在四季度，全年业绩仍有望实现增长。",
        "工业互联网平台建设加速，制造业数字化转型需求旺盛。",
        "云计算厂商下调部分产品价格，行业竞争日趋激烈。",
        "分析人士认为，科技板块的估值修复需要业绩改善的进一步验证。",
        "卫星互联网建设提速，商业航天产业链受到关注。",
        "直播电商规模快速增长，平台加强对主播的规范管理。",
    ],
    "earnings": [
        "公司前三季度实现营业收入{y}亿元，同比增长{p}%。",
        "归属于上市公司股东的净利润为{y}亿元，同比增长{i}%。",
        "公司第三季度单季实现净利润{y}亿元，环比有所改善。",
        "扣除非经常性损益后的净利润同比下降{p}%，主要受原材料价格上涨影响。",
        "公司拟向全体股东每10股派发现金红利{i}元（含税）。",
        "公司董事会审议通过回购方案，拟以自有资金回购公司股份。",
        "公司控股股东拟在未来六个月内通过集中竞价方式增持公司股份。",
        "公司股东计划减持不超过公司总股本{p}%的股份。",
        "公司经营活动产生的现金流量净额同比大幅增加。",
        "公司毛利率同比提升{p}个百分点，产品结构持续优化。",
        "报告期内公司研发投入{y}亿元，占营业收入的比例为{p}%。",
        "公司发布业绩预告，预计全年净利润同比增长{i}%至{i}0%。",
        "公司表示，业绩增长主要得益于主营产品销量增加及市场份额提升。",
        "公司拟定增募资不超过{y}亿元，用于新建生产基地和补充流动资金。",
        "公司签订重大合同，合同金额约占上一年度营业收入的{i}%。",
        "公司股票交易出现异常波动，公司发布澄清公告。",
        "公司收到证监会立案告知书，因涉嫌信息披露违法违规。",
        "公司发布股权激励计划，拟向核心技术人员授予限制性股票。",
    ],
    "regulation": [
        "证监会表示，将坚定不移推进全面实行股票发行注册制改革。",
        "证监会核发{i}家企业IPO批文，筹资总额不超过{y}亿元。",
        "交易所对多家上市公司发出问询函，要求说明业绩大幅波动的原因。",
        "证监会对多起财务造假案件作出行政处罚，严厉打击资本市场违法行为。",
        "沪深交易所发布新规，进一步规范上市公司股东减持行为。",
        "北交所开市一周年，上市公司数量已超过{i}0家。",
        "科创板做市商制度正式落地，首批做市商开展做市交易。",
        "证监会发布关于加快推进公募基金行业高质量发展的意见。",
        "监管部门加强对程序化交易的监管，要求相关机构进行报告。",
        "中概股审计监管合作取得进展，中美双方签署审计监管合作协议。",
        "互联互通机制进一步优化，ETF正式纳入互联互通标的范围。",
        "证监会强调，要坚持建制度、不干预、零容忍的方针。",
        "新股首日破发情况增多，市场对新股定价的合理性关注度提升。",
        "上交所发布科创板上市公司持续监管规则，强化信息披露要求。",
        "退市新规严格执行，年内已有{i}家公司被强制退市。",
        "监管层鼓励长期资金入市，提高权益类投资比例上限。",
        "证监会就上市公司独立董事制度改革征求意见。",
    ],
}

GENERIC_SENTENCES: list[str] = [
    "分析人士认为，短期市场仍存在一定不确定性，投资者应保持理性。",
    "业内人士表示，相关政策的落地将对行业发展产生积极影响。",
    "记者从多位业内人士处了解到，相关工作正在有序推进中。",
    "从中长期看，行业基本面向好的趋势没有改变。",
    "有市场人士指出，当前市场情绪较为谨慎，资金观望气氛浓厚。",
    "接受采访的专家普遍认为，未来政策仍有进一步优化的空间。",
    "值得注意的是，相关数据仍存在一定的季节性波动。",
    "机构人士建议，投资者可关注业绩确定性较高的优质龙头企业。",
    "据了解，相关方案已征求多方意见，预计将于近期正式发布。",
    "对此，有观点认为，市场对利好消息的反应已较为充分。",
    "总体来看，经济恢复的基础仍需进一步巩固。",
    "此外，多家机构发布研报，对后市表达了相对乐观的看法。",
    "事实上，这并不是相关部门今年首次出台支持措施。",
    "该负责人还表示，下一步将继续加强与市场的沟通，稳定市场预期。",
    "不过，也有分析人士提醒，需警惕外部环境变化带来的风险。",
    "从估值角度看，当前板块市盈率处于近十年来的较低水平。",
    "数据显示，年内已有超过{i}0家上市公司发布了类似公告。",
    "截至发稿，相关公司尚未对此作出正式回应。",
    "一位不愿具名的基金经理对记者表示，目前仓位维持在较高水平。",
    "多位受访人士表示，明年行业有望迎来新一轮增长。",
    "在此背景下，龙头企业的竞争优势有望进一步扩大。",
    "业内普遍认为，此举有利于提升市场活跃度。",
    "在业内看来，政策效果的显现还需要一定时间。",
    "从资金流向看，近期资金明显向防御性板块集中。",
    "有研究机构测算，该政策每年可带来约{y}亿元的增量需求。",
    "与此同时，市场对于明年经济复苏的预期有所升温。",
    "综合来看，行业景气度仍处于上行通道。",
    "这一数据好于市场此前的普遍预期。",
    "投资者需注意控制仓位，防范短期波动风险。",
    "本报记者注意到，今年以来相关话题多次引发市场讨论。",
    "相关数据显示，{m}月以来该指标已连续{i}周回升。",
    "这意味着，行业发展正从高速增长阶段转向高质量发展阶段。",
    "具体来看，各细分领域表现分化较为明显。",
    "一方面，成本端压力有所缓解；另一方面，需求端复苏仍需时间。",
    "多家机构在最新发布的年度策略中提到了类似观点。",
    "以上内容仅供参考，不构成投资建议。",
    "上述人士称，公司将严格按照相关规定履行信息披露义务。",
    "据统计，年内已有{i}家上市公司宣布了类似计划。",
    "该事项尚需提交股东大会审议，存在一定不确定性。",
    "市场有风险，投资需谨慎。",
]

# Security mentions: "any" fits A/HK/US shares; the others only their market.
MENTION_SENTENCES: dict[str, list[str]] = {
    "any": [
        "{S}盘中一度涨超{p}%，成交额明显放大。",
        "{S}早盘低开低走，盘中最大跌幅一度超过{p}%。",
        "{S}午后快速拉升，股价创出近{i}个交易日新高。",
        "{S}公告称，公司前三季度实现营业收入{y}亿元，同比增长{p}%。",
        "{S}在投资者互动平台表示，公司相关产品目前已实现小批量供货。",
        "有券商研报指出，{S}估值已回落至历史较低分位，维持“买入”评级。",
        "{S}表示，公司经营情况正常，内外部经营环境未发生重大变化。",
        "数据显示，{S}三季度末被{i}只基金重仓持有。",
        "{S}披露，公司与多家客户签订了长期合作协议，合同总金额约{y}亿元。",
        "{S}称，新建产线预计将于明年{q}季度投产。",
        "{S}相关负责人对记者表示，公司将继续加大研发投入，提升核心竞争力。",
        "在板块内部，{S}表现最为抢眼，全天成交额居前。",
        "多家机构上调了{S}的目标价，理由是订单增长超出预期。",
        "{S}股价年内累计下跌{p}%，明显跑输同期大盘。",
        "{S}回应称，相关传闻不属实，一切以公司公告为准。",
        "以{S}为代表的龙头公司，近期获得了较多机构增持。",
        "{S}同日公告，公司董事会审议通过了新一期股份回购方案。",
        "从业务结构看，{S}海外收入占比已提升至{p}%。",
        "值得一提的是，{S}此前已在相关领域布局多年。",
        "与此同时，{S}、{S}等个股跟涨。",
        "{S}和{S}分别上涨{p}%和{p2}%。",
        "业内人士将{S}与{S}进行比较后认为，二者的估值差距正在缩小。",
    ],
    "a": [
        "截至收盘，{S}报收{s}元，全天换手率{p}%。",
        "{S}当日获北向资金净买入{s}亿元，位居净买入榜前列。",
        "龙虎榜数据显示，{S}当日机构专用席位合计净买入{s}亿元。",
        "从资金面看，主力资金当日净流入{S}超{s}亿元。",
        "{S}最新披露的股东户数较上期减少{p}%，筹码呈集中趋势。",
        "近一个月共有{i}家机构对{S}进行了调研。",
        "{S}此前披露，拟以不低于{s}亿元回购公司股份，用于员工持股计划。",
        "{S}尾盘封住涨停，封单金额超过{s}亿元。",
        "融资数据显示，{S}近五个交易日获融资净买入{s}亿元。",
        "{S}公告，公司控股股东计划在未来六个月内增持公司股份。",
        "{S}涨停，总市值重回{i}00亿元上方。",
        "深股通数据显示，{S}的外资持股比例升至{p}%。",
    ],
    "hk": [
        "港股方面，{S}收涨{p}%，成交额达到{s}亿港元。",
        "{S}今日获南向资金净买入{s}亿港元。",
        "{S}宣布在公开市场回购股份，耗资约{s}亿港元。",
        "{S}股价一度跌超{p}%，创出年内新低。",
        "港股通数据显示，内地投资者持有{S}的比例升至{p}%。",
        "{S}公布季度业绩，收入同比增长{p}%，好于市场预期。",
        "大摩发表报告，将{S}的目标价上调至{s}港元。",
        "{S}盘中大涨{p}%，带动恒生科技指数走强。",
    ],
    "us": [
        "美股方面，{S}收涨{p}%，盘后继续走高。",
        "{S}隔夜大跌{p}%，市值蒸发超过{y}亿美元。",
        "{S}公布的季度财报显示，营收同比增长{p}%。",
        "热门中概股多数上涨，{S}涨幅居前。",
        "{S}股价年内累计下跌{i}%，估值已回落至历史低位。",
        "华尔街分析师将{S}的评级上调至“增持”。",
        "{S}盘前涨超{p}%，市场对其最新交付数据反应积极。",
        "{S}宣布追加回购计划，回购规模约{s}亿美元。",
    ],
    "bk": [
        "{S}板块午后走强，板块内超过{i}只个股涨停。",
        "{S}概念股集体走高，截至收盘板块指数上涨{p}%。",
        "{S}板块整体下跌{p}%，跌幅居行业板块前列。",
        "从行业资金流向看，{S}板块获主力资金净流入{s}亿元。",
        "{S}板块成交额明显放大，资金关注度持续提升。",
        "分析人士认为，{S}板块的调整为中长期布局提供了机会。",
        "北向资金当日重点加仓{S}板块。",
        "{S}相关个股近期走势分化，龙头个股相对抗跌。",
        "{S}板块指数年内累计上涨{i}%，跑赢同期大盘。",
        "市场对{S}板块的关注度明显提升，多家机构发布专题研报。",
    ],
}

# Titles: {N} is the plain name of the post's first security.
TITLES: dict[str, list[str]] = {
    "monetary": ["央行宣布降准{bp}个基点 释放长期资金约{i}00亿元", "央行今日开展{i}0亿元逆回购操作", "本月LPR报价出炉 一年期LPR维持3.{i2}%", "央行：保持流动性合理充裕 加大对实体经济支持力度", "MLF超额续作 专家：降息仍有空间"],
    "macro": ["{m}月CPI同比上涨{c}% PPI同比下降", "{m}月制造业PMI为49.{g}% 经济恢复基础仍需巩固", "前三季度GDP同比增长{c}% 经济运行总体恢复向好", "{m}月社融增量{y}万亿元 超出市场预期", "国常会部署稳经济措施 专家解读政策要点"],
    "baijiu": ["{N}：前三季度净利润同比增长{p}%", "白酒板块集体走强 {N}涨超{p}%", "高端白酒动销回暖 机构看好旺季表现", "{N}宣布上调部分产品出厂价", "消费复苏预期升温 食品饮料板块估值修复"],
    "ev": ["{m}月新能源汽车销量同比增长{i}% 渗透率再创新高", "{N}：{m}月新能源汽车销量创新高", "碳酸锂价格高位震荡 锂电产业链利润分化", "{N}涨超{p}% 新能源汽车板块午后走强", "造车新势力{m}月交付数据出炉"],
    "solar": ["硅料价格松动 光伏产业链迎来利润再分配", "{N}：拟投资{y}亿元建设新型电池项目", "前{m}月光伏新增装机{s}吉瓦 同比大幅增长", "储能政策密集出台 {N}盘中涨超{p}%", "光伏板块震荡走高 机构看好明年装机增长"],
    "chip": ["半导体板块午后拉升 {N}涨超{p}%", "国产替代加速推进 芯片设备订单饱满", "{N}：三季度营收同比增长{p}%", "存储芯片价格连续下跌 行业周期底部临近", "芯片股集体走强 机构称半导体周期有望见底"],
    "broker": ["券商板块异动拉升 {N}盘中涨停", "两市成交额连续{i}日破万亿 券商股集体走强", "{N}：前三季度净利润同比下降{p}%", "券商三季报出炉 投行业务保持较快增长", "全面注册制稳步推进 券商迎来新机遇"],
    "fund": ["年内新发基金规模超{i}00亿元 权益类基金发行遇冷", "公募基金规模创新高 {N}获基金增持", "个人养老金制度落地 首批养老目标基金名录公布", "多家基金公司出手自购 提振市场信心", "ETF市场持续扩容 宽基指数ETF获资金净申购"],
    "market": ["A股三大指数集体上涨 沪指站上{k}点", "北向资金净买入{s}亿元 {N}获加仓", "收评：沪指涨{x}% 两市成交额突破万亿", "午评：三大指数震荡分化 {N}领涨", "A股市场估值处于历史低位 机构看好中长期配置价值"],
    "fed": ["美联储宣布加息{bp}个基点 鲍威尔称抗通胀远未结束", "美国{m}月CPI同比上涨{c}% 高于市场预期", "美股三大股指集体收跌 {N}跌超{p}%", "中概股集体走强 {N}涨超{p}%", "美元指数升破1{g}0关口 非美货币普遍承压"],
    "hk": ["恒生指数收涨{x}% 科技股全线走强", "南向资金净买入{s}亿港元 {N}获加仓", "港股收评：恒指涨{x}% 内房股大幅反弹", "{N}公布季度业绩 收入同比增长{p}%", "港股估值处于历史低位 外资机构看好后市"],
    "property": ["房地产板块集体走强 {N}涨停", "多地出台楼市松绑政策 房企融资环境改善", "百强房企{m}月销售额同比下降{i}%", "保交楼专项借款加快落地 多个项目复工", "{N}获银行授信{i}0亿元"],
    "bank": ["银行板块逆势上涨 {N}创阶段新高", "上市银行三季报出炉 净息差同比收窄", "多家银行下调存款利率", "{N}：前三季度净利润同比增长{p}%", "险资加大权益投资 高股息蓝筹受青睐"],
    "pharma": ["第七批集采开标 拟中选药品平均降价{i}%", "{N}：创新药获批上市", "医药板块午后走强 {N}涨超{p}%", "医保目录谈判结果公布 多款创新药纳入医保", "CXO板块持续调整 机构称估值已处低位"],
    "commodity": ["国际油价大幅波动 布伦特原油跌破{o}美元", "国际金价震荡走高 黄金概念股走强", "{N}：前三季度净利润同比增长{i}%", "铜价反弹 有色金属板块集体走强", "煤炭企业业绩亮眼 {N}获资金青睐"],
    "tech": ["科技股集体反弹 人工智能概念股涨幅居前", "{N}发布季度财报 营收同比增长{p}%", "游戏版号常态化发放 {N}涨超{p}%", "数字经济发展规划出台 数据要素市场建设提速", "{N}：加大人工智能领域投入"],
    "earnings": ["{N}：前三季度营收{y}亿元 同比增长{p}%", "{N}拟回购股份 回购金额不低于{s}亿元", "{N}发布业绩预告 全年净利预增{i}%", "{N}控股股东拟增持公司股份", "{N}：拟定增募资不超过{y}亿元"],
    "regulation": ["证监会：坚定不移推进全面注册制改革", "证监会核发{i}家企业IPO批文", "交易所向{N}发出问询函", "沪深交易所发布新规 规范股东减持行为", "北交所开市一周年 上市公司超{i}0家"],
}

SUBHEADINGS: list[str] = [
    "政策持续发力", "机构观点", "行业景气度回升", "市场表现分化", "资金流向", "业绩增长明显",
    "龙头优势凸显", "估值处于低位", "后市展望", "多重因素影响", "风险提示", "国产替代加速",
    "需求有望回暖", "供给端持续收缩", "海外市场扩张", "政策解读", "专家观点", "数据解读",
]

TOPIC_WEIGHTS: dict[str, int] = {
    "market": 14, "earnings": 12, "monetary": 6, "macro": 7, "baijiu": 5, "ev": 8, "solar": 6,
    "chip": 6, "broker": 5, "fund": 5, "fed": 6, "hk": 6, "property": 5, "bank": 5, "pharma": 5,
    "commodity": 5, "tech": 6, "regulation": 4,
}
# Which security topics fit a post topic.
TOPIC_SECURITIES: dict[str, tuple[str, ...]] = {
    "monetary": ("bank", "broker"), "macro": ("macro", "consumer"), "baijiu": ("baijiu", "consumer"),
    "ev": ("ev",), "solar": ("solar",), "chip": ("chip",), "broker": ("broker",), "fund": ("fund", "broker"),
    "market": ("market",), "fed": ("fed", "tech"), "hk": ("hk",), "property": ("property",),
    "bank": ("bank",), "pharma": ("pharma",), "commodity": ("commodity",), "tech": ("tech",),
    "earnings": (), "regulation": ("broker",),
}

INFO_KEYS: list[tuple[str, str, str]] = [
    ("3321", "http://data.eastmoney.com/bbsj/", "业绩"),
    ("3293", "http://data.eastmoney.com/zlsj/", "基金"),
    ("3306", "http://data.eastmoney.com/other/qsjy.html", "券商"),
    ("3304", "http://data.eastmoney.com/wtlc/", "理财"),
    ("3300", "http://data.eastmoney.com/zdht/", "合同"),
    ("338", "http://data.eastmoney.com/cjsj/ppi.html", "PPI"),
    ("337", "http://data.eastmoney.com/cjsj/cpi.html", "CPI"),
    ("3120", "http://fund.eastmoney.com/trade/default.html", "基金销售"),
    ("3281", "http://data.eastmoney.com/gstz/detail.aspx?type=1", "证券投资"),
    ("3322", "http://data.eastmoney.com/gphg/", "回购"),
]

# category -> (tag, footer link, share weight, NW id?, sources)
CATEGORIES: list[tuple[str, str, str, int, bool]] = [
    ("emnews", "东财滚动新闻", "//finews.withounder.com/emnews/", 82, False),
    ("cailianshe", "财联社新闻", "//finews.withounder.com/category/cailianshe.html", 9, True),
    ("zhongguozhengquanbao", "中国证券报新闻", "//finews.withounder.com/category/zhongguozhengquanbao.html", 5, True),
    ("zhongguojijinbao", "中国基金报新闻", "//finews.withounder.com/category/zhongguojijinbao.html", 3, True),
    ("yangxingwangzhan", "央行网站新闻", "//finews.withounder.com/category/yangxingwangzhan.html", 1, True),
]
FIXED_SOURCE = {"cailianshe": "财联社", "zhongguozhengquanbao": "中国证券报", "zhongguojijinbao": "中国基金报", "yangxingwangzhan": "央行网站"}
EM_SOURCES = [
    "证券时报", "上海证券报", "中国证券报", "证券日报", "财联社", "券商中国", "中国基金报", "第一财经",
    "21世纪经济报道", "经济参考报", "新华社", "人民网", "每日经济新闻", "澎湃新闻", "东方财富研究中心",
    "中国经营报", "上观新闻", "界面新闻", "北京商报", "证券时报网", "中新经纬", "期货日报",
]
URL_COLUMNS = {
    "default": ("http://finance.eastmoney.com/news/", ("1354", "1355", "1345", "1351", "1353", "1350", "1344")),
    "hk": ("http://hk.eastmoney.com/news/", ("1533", "1535")),
    "fed": ("http://forex.eastmoney.com/news/", ("1764", "1768")),
    "fund": ("http://fund.eastmoney.com/a/", ("1590", "1593")),
    "broker": ("http://stock.eastmoney.com/news/", ("1405", "1406")),
}

_QUARTERS = "一二三四"
_SAFE_FOR_MARKDOWN = set("*_<>&`[]\\#|\"")


# --------------------------------------------------------------------------------------------
# Precomputation: every template expanded into a few filled variants (a fixed, seed-independent
# vocabulary), each split at its {S} slots, with its UTF-8 size.
# --------------------------------------------------------------------------------------------

_VARIANTS = 6
_MARK = "\x01"

# A sentence variant: (html, plain text, UTF-8 size of the html).
Sentence = tuple[str, str, int]


def _fill(template: str, rng: random.Random) -> str:
    values = {
        "p": f"{rng.uniform(0.3, 9.9):.2f}",
        "p2": f"{rng.uniform(0.3, 9.9):.2f}",
        "y": f"{rng.uniform(1, 999):.{rng.choice((1, 2))}f}",
        "i": str(rng.randint(2, 60)),
        "m": str(rng.randint(1, 12)),
        "d": str(rng.randint(1, 28)),
        "q": _QUARTERS[rng.randrange(4)],
        "bp": str(rng.choice((5, 10, 15, 25, 50))),
        "k": str(rng.randint(2900, 3600)),
        "s": f"{rng.uniform(0.2, 30):.2f}",
        "t": str(rng.randint(10, 35)),
        "u": f"{rng.uniform(3, 18):.2f}",
        "r": f"{rng.uniform(2.5, 4.3):.2f}",
        "c": f"{rng.uniform(0.6, 8.5):.1f}",
        "g": str(rng.randint(0, 9)),
        "i2": f"{rng.randint(0, 99):02d}",
        "o": str(rng.randint(60, 120)),
        "x": f"{rng.uniform(0.05, 3.5):.2f}",
        "S": _MARK,
        "N": "{N}",
    }
    return template.format(**values)


def _expand(templates: list[str], rng: random.Random, n: int = _VARIANTS) -> list[list[str]]:
    """Each template -> its distinct filled variants."""
    out: list[list[str]] = []
    for t in templates:
        variants: list[str] = []
        for _ in range(n if "{" in t else 1):
            s = _fill(t, rng)
            assert not (_SAFE_FOR_MARKDOWN & set(s)), s
            if s not in variants:
                variants.append(s)
        out.append(variants)
    return out


def _with_infokeys(groups: list[list[str]], rng: random.Random) -> list[list[Sentence]]:
    """Variants as (html, plain, size); some get a topic-keyword link around one word."""
    out: list[list[Sentence]] = []
    for group in groups:
        row: list[Sentence] = []
        for s in group:
            html = s
            if rng.random() < 0.12:
                for num, href, word in INFO_KEYS:
                    if word in s:
                        link = f'<span id="Info.{num}"><a href="{href}" class="infokey">{word}</a></span>'
                        html = s.replace(word, link, 1)
                        break
            row.append((html, s, len(html.encode("utf-8"))))
        out.append(row)
    return out


class _Vocab:
    def __init__(self) -> None:
        rng = random.Random(20221120)  # the vocabulary is fixed; only the assembly depends on the seed
        self.topics = list(TOPIC_WEIGHTS)
        self.topic_cum = _cumulative([TOPIC_WEIGHTS[t] for t in self.topics])
        self.topic_sentences = {
            t: _with_infokeys(_expand(TOPIC_SENTENCES[t], rng), rng) for t in self.topics
        }
        self.generic = _with_infokeys(_expand(GENERIC_SENTENCES, rng), rng)
        self.titles = TITLES  # filled per post: titles should rarely repeat
        self.mentions: dict[str, list[list[str]]] = {
            k: [s.split(_MARK) for g in _expand(v, rng) for s in g] for k, v in MENTION_SENTENCES.items()
        }
        self.single_any = [m for m in self.mentions["any"] if len(m) == 2]
        self.pair_any = [m for m in self.mentions["any"] if len(m) == 3]
        self.secs = SECURITIES
        self.by_topic: dict[str, list[int]] = {}
        for idx, (_, _, kind, topic) in enumerate(SECURITIES):
            self.by_topic.setdefault(topic, []).append(idx)
            if kind == "hk":
                self.by_topic.setdefault("hk", []).append(idx)
            if kind == "bk":
                self.by_topic.setdefault("market", []).append(idx)
        self.links = [_links(secid, name, kind) for secid, name, kind, _ in SECURITIES]
        self.link_size = [max(len(x.encode("utf-8")) for x in ls) for ls in self.links]
        self.cat_cum = _cumulative([c[3] for c in CATEGORIES])

    def distinct_templates(self) -> int:
        return (sum(len(TOPIC_SENTENCES[t]) for t in self.topics) + len(GENERIC_SENTENCES)
                + sum(len(x) for x in MENTION_SENTENCES.values()))


def _cumulative(weights: list[int]) -> list[float]:
    total = float(sum(weights))
    acc, out = 0.0, []
    for w in weights:
        acc += w
        out.append(acc / total)
    return out


def _pick(cum: list[float], r: float) -> int:
    for i, c in enumerate(cum):
        if r < c:
            return i
    return len(cum) - 1


def _links(secid: str, name: str, kind: str) -> tuple[str, str, str]:
    """(keytip form, em_stock_key_common form, alternative first-mention form) of one security."""
    market, code = secid.split(".", 1)
    href = f"http://quote.eastmoney.com/unify/r/{secid}"
    dc = f"{market},{code}"
    if kind == "bk":
        keytip = (f'<span id="bk_{secid}"><a href="{href}" class="keytip" data-code="{dc}">{name}</a></span>'
                  f'<span id="bkquote_{secid}"></span>')
    else:
        keytip = (f'<span id="stock_{secid}"><a href="{href}" class="keytip" data-code="{dc}">{name}</a></span>'
                  f'<span id="quote_{secid}"></span>')
    common = f'<span web="1" href="{href}" class="em_stock_key_common" data-code="{dc}">{name}</span>'
    if kind == "hk":  # Hong Kong first mentions also come as <span id="Info.116.00700"><a ...>
        alt = f'<span id="Info.{secid}"><a href="{href}" class="keytip" data-code="{dc}">{name}</a></span>'
    else:
        alt = keytip
    return keytip, common, alt


_VOCAB: _Vocab | None = None


def vocab() -> _Vocab:
    global _VOCAB
    if _VOCAB is None:
        _VOCAB = _Vocab()
    return _VOCAB


# --------------------------------------------------------------------------------------------
# One post
# --------------------------------------------------------------------------------------------

_IMG_STYLE = 'style="border:#d1d1d1 1px solid;padding:3px;margin:5px 0;"'
_K_WEIGHTS = _cumulative([10, 14, 17, 16, 13, 10, 8, 7, 5])  # securities per post, 0..8


def _image(rng: random.Random) -> str:
    num = str(rng.randrange(10**18, 10**19))
    w, h = rng.choice((800, 859, 896, 573, 635, 673)), rng.randint(180, 560)
    alt = rng.choice(("Image", "图片"))
    return (f'<center><img src="https://dfscdn.dfcfw.com/download/D2{num}_w{w}h{h}.jpg" alt="{alt}" '
            f'width="552" {_IMG_STYLE} /></center>')


def _chart(secid: str) -> str:
    market, code = secid.split(".", 1)
    return ('<p style="display:none;height:1px;overflow:hidden;"><br /></p><!-- EM_StockImg_Start -->'
            f'<p style="text-align:center;"><a href="http://quote.eastmoney.com/unify/r/{secid}" '
            f'data-code="{code}|{market}|7" data-code2="{code}|{market}|3|" class="EmImageRemark" target="_blank">'
            f'<img src="https://webquoteklinepic.eastmoney.com/GetPic.aspx?nid={secid}&amp;imageType=k" border="0" '
            f'alt="K图 {code}_0" width="578" height="276" /></a></p><!-- EM_StockImg_End -->')


def _body(rng: random.Random, v: _Vocab, topic: str, sec_idx: list[int], target: int) -> tuple[list[str], str, str]:
    """(paragraph blocks, plain text of the opening, plain text of the close) of about ``target`` bytes."""
    rand = rng.random
    # 1. the mentions: every chosen security appears one to three times
    order: list[int] = []
    for i in sec_idx:
        order.extend([i] * (1 + (rand() < 0.45) + (rand() < 0.2)))
    rng.shuffle(order)
    mentions: list[tuple[list[str], list[int]]] = []
    size = 0
    j = 0
    while j < len(order):
        i = order[j]
        kind = v.secs[i][2]
        nxt = order[j + 1] if j + 1 < len(order) else None
        if kind != "bk" and nxt is not None and nxt != i and v.secs[nxt][2] != "bk" and rand() < 0.25:
            parts = v.pair_any[int(rand() * len(v.pair_any))]
            mentions.append((parts, [i, nxt]))
            size += v.link_size[i] + v.link_size[nxt]
            j += 2
        else:
            if kind == "bk":
                cands = v.mentions["bk"]
            else:
                cands = v.mentions[kind] if rand() < 0.5 else v.single_any
            parts = cands[int(rand() * len(cands))]
            mentions.append((parts, [i]))
            size += v.link_size[i]
            j += 1
        size += len("".join(parts).encode("utf-8"))
    # 2. the rest: sentences of the topic, of one or two neighbouring topics and generic ones,
    #    without repeating a template until the pools run dry
    pools = [v.topic_sentences[topic], v.generic,
             v.topic_sentences[v.topics[int(rand() * len(v.topics))]],
             v.topic_sentences[v.topics[int(rand() * len(v.topics))]]]
    cum = (0.66, 0.86, 0.95, 1.0)
    used: set[tuple[int, int]] = set()
    items: list[Any] = []
    while size < target:
        r = rand()
        p = 0 if r < cum[0] else 1 if r < cum[1] else 2 if r < cum[2] else 3
        pool = pools[p]
        t = int(rand() * len(pool))
        for _ in range(3):
            if (p, t) not in used:
                break
            p = (p + 1) % 4 if rand() < 0.3 else p
            pool = pools[p]
            t = int(rand() * len(pool))
        used.add((p, t))
        group = pool[t]
        s = group[int(rand() * len(group))]
        items.append(s)
        size += s[2]
    for m in mentions:
        items.insert(1 + int(rand() * len(items)), m)
    # 3. render in reading order: the first mention of a security gets the keytip form
    seen: set[int] = set()
    common_only = rand() < 0.3
    hk_info = rand() < 0.4
    rendered: list[tuple[str, str]] = []
    for it in items:
        if len(it) == 3:
            rendered.append((it[0], it[1]))
            continue
        parts, idxs = it
        html, plain = [parts[0]], [parts[0]]
        for n, i in enumerate(idxs):
            keytip, common, alt = v.links[i]
            if i in seen or common_only:
                html.append(common)
            else:
                html.append(alt if hk_info else keytip)
            seen.add(i)
            html.append(parts[n + 1])
            plain += [v.secs[i][1], parts[n + 1]]
        rendered.append(("".join(html), "".join(plain)))
    blocks: list[str] = []
    pos, n = 0, len(rendered)
    first_plain = ""
    while pos < n:
        take = 1 + int(rand() * 5)
        chunk = rendered[pos:pos + take]
        if pos == 0:
            first_plain = "".join(p for _, p in chunk[:2])
        pos += take
        blocks.append("<p>" + "".join(h for h, _ in chunk) + "</p>")
        if pos < n and len(blocks) % 4 == 3 and rand() < 0.35:
            blocks.append("<p><strong>" + SUBHEADINGS[int(rand() * len(SUBHEADINGS))] + "</strong></p>")
    last_plain = "".join(p for _, p in rendered[-2:])
    return blocks, first_plain, last_plain


def _title(rng: random.Random, v: _Vocab, topic: str, sec_idx: list[int], when: dt.datetime) -> str:
    fits = set(TOPIC_SECURITIES[topic])
    stock = next((i for i in sec_idx if v.secs[i][2] != "bk" and (not fits or v.secs[i][3] in fits)), None)
    titles = v.titles[topic]
    if stock is None:
        titles = [t for t in titles if "{N}" not in t] or v.titles["market"][:1]
    t = _fill(titles[rng.randrange(len(titles))], rng)
    if stock is not None:
        t = t.replace("{N}", v.secs[stock][1])
    r = rng.random()
    if r < 0.2:
        t = _TITLE_PREFIXES[int(rng.random() * len(_TITLE_PREFIXES))] + t
    elif r < 0.35:
        t += when.strftime("（%m-%d）")
    return t


_TITLE_PREFIXES = ("快讯：", "机构：", "盘前必读：", "晚间公告：", "早盘：", "数据：", "研报精选：", "焦点：",
                   "【财经早餐】", "【收评】", "热点追踪：", "独家：", "今日关注：", "一图看懂：")


def _post(rng: random.Random, v: _Vocab, when: dt.datetime, ident: str, cat: tuple[str, str, str, int, bool],
          old: bool) -> tuple[str, list[str], str]:
    """(text, secids mentioned, title) of one good post."""
    topic = v.topics[_pick(v.topic_cum, rng.random())]
    k = _pick(_K_WEIGHTS, rng.random())
    related: list[int] = []
    for t in TOPIC_SECURITIES[topic]:
        related.extend(v.by_topic.get(t, ()))
    chosen: list[int] = []
    while len(chosen) < k:
        if related and rng.random() < 0.65:
            i = related[rng.randrange(len(related))]
        else:
            i = rng.randrange(len(v.secs))
        if i not in chosen:
            chosen.append(i)
    target = int(min(13600, max(2500, math.exp(rng.gauss(math.log(4900), 0.36)))))
    blocks, first_plain, other_plain = _body(rng, v, topic, chosen, target - 420)
    category, tag, back, _, nw = cat
    source = FIXED_SOURCE.get(category) or EM_SOURCES[rng.randrange(len(EM_SOURCES))]
    title = _title(rng, v, topic, chosen, when)
    out: list[str] = [
        "---\nlayout: post\ntitle: \"", title, "\"\ndate: ", when.strftime("%Y-%m-%d %H:%M:%S +0800"),
        "\ncategories: ", category, "\ntags: ", tag, "\n---\n",
    ]
    if not nw and rng.random() < 0.72:
        digest = first_plain if rng.random() < 0.75 else other_plain
        out += ["> ", digest, "（", source, "）\n\n"]
    if chosen and rng.random() < 0.04:
        secid = v.secs[chosen[0]][0]
        if v.secs[chosen[0]][2] != "bk":
            out.append(_chart(secid))
    if rng.random() < 0.18:
        for _ in range(1 + (rng.random() < 0.4) + (rng.random() < 0.2)):
            blocks.insert(1 + rng.randrange(len(blocks)), _image(rng))
    sep = "\n " if rng.random() < 0.1 else ""
    out.append(sep.join(blocks))
    if "证券" in source and rng.random() < 0.3:
        a, b = source.split("证券", 1)
        shown = a + _BK0473_LINK + b  # the archive links "证券" even inside the source line
    else:
        shown = source
    out += ['<p class="em_media">（文章来源：', shown, "）</p>\n\n"]
    if nw:
        out += ["<http://finews.zning.xyz/html_News/NewsShare.html?infoCode=", ident, ">\n\n"]
    else:
        base, cols = URL_COLUMNS.get(topic, URL_COLUMNS["default"])
        out += ["<", base, cols[rng.randrange(len(cols))], ",", ident, ".html>\n\n"]
    host = "//finews.zning.me/" if old else "//finews.withounder.com/"
    if old:
        back = back.replace("//finews.withounder.com/", host)
        out += ["[返回", tag, "](", back, ")\n[返回首页](", host, ")"]
    else:
        out += ["[返回", tag, "](", back, ")｜[返回首页](", host, ")"]
    secids = [v.secs[i][0] for i in chosen]
    return "".join(out), secids, title


_BK0473_LINK = ('<span id="bk_90.BK0473"><a href="http://quote.eastmoney.com/unify/r/90.BK0473" class="keytip" '
                'data-code="90,BK0473">证券</a></span><span id="bkquote_90.BK0473"></span>')


_QUOTED = ("稳增长", "保交楼", "双11", "专精特新", "中特估", "东数西算", "国九条", "白马股")


def _broken(kind: str, rng: random.Random, good: str, title: str) -> bytes:
    if kind == "binary":
        n = 1500 + rng.randrange(4000)
        junk = bytes(rng.getrandbits(8) for _ in range(n))
        return b"\x00\x00\x00\x00PK\x03\x04" + junk[:64] + b"\x00" * 32 + junk[64:]
    head, sep, body = good.partition("\n---\n")
    if kind == "quote_title":
        # ASCII quotes inside the title, unescaped, as the archive's generator wrote them
        name = next((n for _, n, _, _ in SECURITIES if len(n) >= 2 and n in title), None)
        if name is not None:
            bad = title.replace(name, f'"{name}"', 1)
        else:
            bad = f'"{_QUOTED[rng.randrange(len(_QUOTED))]}"' + title
        head = head.replace(f'title: "{title}"', f'title: "{bad}"', 1)
        return (head + sep + body).encode("utf-8")
    if kind == "no_date":
        lines = head.split("\n")
        lines = [('title: ""' if ln.startswith("title:") else "date:  +0800" if ln.startswith("date:") else ln)
                 for ln in lines]
        return ("\n".join(lines) + sep + body).encode("utf-8")
    if kind == "empty_body":
        return (head + sep).encode("utf-8")
    raise ValueError(kind)


# --------------------------------------------------------------------------------------------
# The archive
# --------------------------------------------------------------------------------------------

def _id_base(start: dt.datetime) -> int:
    """The service's article counter around ``start`` (it grew ~1.1 million a day in 2022)."""
    days = (start.date() - dt.date(2021, 12, 8)).days
    return 2_000_000_000 + (206_704_122 + days * 1_100_000) % 7_000_000_000


def generate(
    dest: Path | str,
    count: int,
    seed: int = 1,
    *,
    start: dt.datetime = DEFAULT_START,
    broken_ratio: float = 0.002,
    layout: str = "jekyll",
) -> dict[str, Any]:
    """Write a finews-shaped archive of ``count`` posts under ``dest``; return statistics.

    ``layout``: ``"jekyll"`` (``_config.yml``, ``_posts/`` and ~10% in ``old_post/``) or
    ``"flat"`` (every file directly in ``dest``, named ``_posts__<name>`` / ``old_post__<name>``
    like a flattened copy of the archive).

    Returns ``files``, ``bytes``, ``good`` (posts that parse cleanly), ``broken`` (kind -> count),
    ``broken_files`` (relative path -> kind), ``securities`` (relative path -> secids mentioned,
    for every post with a body), ``sizes`` (min/median/max/within 2-15 KB/within 3-8 KB),
    ``first``/``last`` (ISO times) and ``seconds``.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}")
    if count < 0:
        raise ValueError("count must be >= 0")
    t0 = time.perf_counter()
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "_config.yml").write_text(CONFIG_YML, encoding="utf-8")
    if layout == "jekyll":
        (dest / "_posts").mkdir(exist_ok=True)
        (dest / "old_post").mkdir(exist_ok=True)

    v = vocab()
    rng = random.Random(seed)
    when = (start if start.tzinfo else start.replace(tzinfo=CST)).astimezone(CST).replace(microsecond=0)
    n_broken = min(count, round(count * broken_ratio))
    broken_at = {i: BROKEN_KINDS[j % len(BROKEN_KINDS)] for j, i in enumerate(sorted(random.Random(seed * 7919 + 1).sample(range(count), n_broken)))}
    counter = _id_base(when)
    stats_bytes = 0
    sizes: list[int] = []
    securities: dict[str, list[str]] = {}
    broken_files: dict[str, str] = {}
    broken_counts = dict.fromkeys(BROKEN_KINDS, 0)
    first = last = when
    for n in range(count):
        when += dt.timedelta(seconds=1 + int(rng.expovariate(1 / 287.0)))
        if n == 0:
            first = when
        counter += 1 + rng.randrange(7000)
        cat = CATEGORIES[_pick(v.cat_cum, rng.random())]
        day = when.strftime("%Y-%m-%d")
        ident = when.strftime("%Y%m%d") + str(counter)
        if cat[4]:
            ident = "NW" + ident
        old = rng.random() < 0.1
        text, secids, title = _post(rng, v, when, ident, cat, old)
        kind = broken_at.get(n)
        name = f"{day}-{ident}.md"
        if kind is None:
            data = text.encode("utf-8")
        else:
            data = _broken(kind, rng, text, title)
            if kind == "no_date":
                name = f"-{ident}.md"
        if layout == "jekyll":
            rel = ("old_post/" if old else "_posts/") + name
        else:
            rel = ("old_post__" if old else "_posts__") + name
        with open(dest / rel, "wb") as fh:
            fh.write(data)
        stats_bytes += len(data)
        if kind is None:
            sizes.append(len(data))
        else:
            broken_files[rel] = kind
            broken_counts[kind] += 1
        if kind in (None, "quote_title", "no_date"):
            securities[rel] = secids
        last = when
    sizes.sort()
    total = len(sizes)
    return {
        "files": count + 1,
        "posts": count,
        "bytes": stats_bytes,
        "good": total,
        "broken": broken_counts,
        "broken_files": broken_files,
        "securities": securities,
        "sizes": {
            "min": sizes[0] if sizes else 0,
            "median": sizes[total // 2] if sizes else 0,
            "max": sizes[-1] if sizes else 0,
            "within_2_15k": sum(1 for s in sizes if 2048 <= s <= 15360),
            "within_3_8k": sum(1 for s in sizes if 3072 <= s <= 8192),
        },
        "first": first.isoformat(),
        "last": last.isoformat(),
        "seconds": round(time.perf_counter() - t0, 3),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Generate a finews-shaped Jekyll archive for benchmarks.")
    ap.add_argument("dest", type=Path)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--start", default="2022-01-01T00:00:00+08:00", help="ISO time of the first post")
    ap.add_argument("--broken-ratio", type=float, default=0.002)
    ap.add_argument("--layout", choices=LAYOUTS, default="jekyll")
    args = ap.parse_args(argv)
    stats = generate(args.dest, args.count, args.seed, start=dt.datetime.fromisoformat(args.start),
                     broken_ratio=args.broken_ratio, layout=args.layout)
    mentions = sum(len(s) for s in stats["securities"].values())
    summary = {k: stats[k] for k in ("files", "posts", "bytes", "good", "broken", "sizes", "first", "last", "seconds")}
    summary["security_mentions"] = mentions
    summary["posts_per_second"] = round(stats["posts"] / stats["seconds"]) if stats["seconds"] else None
    json.dump(summary, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
