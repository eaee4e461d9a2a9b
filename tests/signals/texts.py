"""Hand-written texts for the classifier tests, deliberately unlike the corpus templates."""

from __future__ import annotations

import json
import random

NEUTRAL_SENTENCES = [
    "The group reported higher sales in its consumer division during the third quarter.",
    "Its chief financial officer told analysts that margins would improve next year.",
    "The firm plans to open two distribution centres and hire several hundred staff.",
    "A new mobile app introduced in the spring has been downloaded more than a million times.",
    "The board approved a dividend in line with last year's payment.",
    "Management said supply costs had stabilised after a difficult winter.",
    "The company has been listed on the stock exchange since the late nineties.",
    "Employees were offered a share-purchase plan as part of the new pay agreement.",
    "The business started as a small family workshop and now sells in forty markets.",
    "Analysts at several brokers raised their price targets after the results.",
    "The firm said it would invest in renewable energy for its warehouses.",
    "Customers can now track deliveries in real time through the website.",
    "The chairman thanked staff for their work during a busy season.",
    "The company sponsors a youth football league and a local music festival.",
    "Its research centre employs engineers working on battery technology.",
    "A spokesperson said the firm was pleased with the response to its new product range.",
    "The annual general meeting will be held in the capital in May.",
    "Revenue from online sales grew faster than revenue from physical stores.",
    "The company completed the purchase of a smaller competitor last month.",
    "Executives said the outlook for the coming year remained positive.",
]

LAUNDERING_PARAGRAPH = (
    "Prosecutors allege that, over four years, executives of the company moved hundreds of "
    "millions of dollars of criminal proceeds through shell companies and bank accounts in "
    "several countries to disguise where the money came from. Investigators say the funds were "
    "later used to buy luxury property, and that compliance officers who raised concerns about "
    "the suspicious transfers were ignored."
)

TRAFFICKING_ARTICLE_CORE = (
    "Federal prosecutors unsealed an indictment on Friday accusing the owners of the website of "
    "knowingly profiting from advertisements that offered women and underage girls for "
    "prostitution. According to the charging documents, staff removed words that revealed the "
    "age of the people in the ads and coached posters on how to avoid detection by police, "
    "while the adult section brought in most of the site's revenue. Several victims described "
    "being sold through the listings while they were minors."
)


def long_article(words: int, core: str | None, seed: int = 0) -> str:
    """A news article of about ``words`` words of neutral business copy; ``core`` (when given)
    is placed in the middle, as a long real article buries its one damning paragraph."""
    rng = random.Random(seed)
    sentences: list[str] = []
    count = 0
    while count < words:
        sentence = rng.choice(NEUTRAL_SENTENCES)
        sentences.append(sentence)
        count += len(sentence.split())
    if core:
        sentences.insert(len(sentences) // 2, core)
    paragraphs = [" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4)]
    return "Northwind Retail Group: a year of change\n\n" + "\n\n".join(paragraphs)


def independent_headlines() -> list[tuple[str, str, str]]:
    """The hand-written headlines of ``sample_data/corpus/independent_headlines.jsonl``
    (never in the training corpus): ``(set, text, label)``. Set ``a`` was seen while designing
    the classifier; set ``b`` was written later and only measured."""
    from duediligence.shipped import sample_data_dir

    path = sample_data_dir() / "corpus" / "independent_headlines.jsonl"
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return [(r["set"], r["text"], r["label"]) for r in rows]
