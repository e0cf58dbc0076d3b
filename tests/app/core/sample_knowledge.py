"""A small bilingual knowledge base (three entries) for the tests of the file format and of the
retriever."""

import yaml

ENTRIES = [
    {"id": "ac-transfer-time", "category": "account", "source": "demo bank policy",
     "zh": {"question": "转账多久到账？",
            "paraphrases": ["跨行转账几点能到", "转出去的钱什么时候到"],
            "answer": "默认实时到账。"},
     "en": {"question": "How long does a transfer take?",
            "paraphrases": ["when will my transfer arrive", "transfer arrival time"],
            "answer": "Transfers arrive at once by default."}},
    {"id": "sv-deposit-insurance", "category": "service", "source": "存款保险条例 (2015)",
     "zh": {"question": "存款保险保多少？",
            "paraphrases": ["存款保险赔付上限", "银行倒闭存款能拿回多少"],
            "answer": "每位存款人在同一家银行最高50万元。"},
     "en": {"question": "How much does deposit insurance cover?",
            "paraphrases": ["deposit insurance limit", "if the bank fails how much do i get back"],
            "answer": "Up to 500,000 yuan per depositor per bank."}},
    {"id": "ln-settlement-certificate", "category": "loans", "source": "demo bank policy",
     "zh": {"question": "贷款还清后怎么开结清证明？",
            "paraphrases": ["结清证明在哪里下载", "还完带款要个证明"],
            "answer": "在App贷款页面下载结清证明，1个工作日内生成。"},
     "en": {"question": "How do I get a loan settlement certificate?",
            "paraphrases": ["proof that my loan is paid off", "settlement letter for my loan"],
            "answer": "Download it from the loan page in the app within 1 working day."}},
]


def write_kb(folder, entries=ENTRIES, name="test.yml"):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(yaml.safe_dump({"version": 1, "entries": entries},
                                              allow_unicode=True), encoding="utf-8")
