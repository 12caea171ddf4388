"""Articles from other regions than the sample archive: Latin America, Africa, Europe,
South Asia, the Middle East and South-east Asia.

Written for these tests (not taken from the samples or the held-out set) and annotated by
hand with every entity a reader would mark, in reading order, as ``(type, text)``.
"""

from __future__ import annotations

import pytest

from search.entities import extract

ARTICLES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "colombia": (
        (
            "BOGOTÁ — Colombian President Gustavo Petro met Peruvian Foreign Minister Elmer "
            "Schialer in Bogotá on April 9 to discuss security along the Putumayo River and a "
            "joint plan against illegal mining. The two governments agreed to reopen a border "
            "post near Leticia, in the department of Amazonas, before December.\n\n"
            '"We share a river, a forest and the same threats," Petro said. The Andean '
            "Community (CAN) and the Inter-American Development Bank (IDB) will finance a "
            "feasibility study, according to Colombia's Ministry of Foreign Affairs. Schialer "
            "later travelled to Cali to meet business leaders from the Valle del Cauca "
            "region."
        ),
        [
            ("PLACE", "BOGOTÁ"),
            ("COUNTRY", "Colombian"),
            ("PERSON", "Gustavo Petro"),
            ("COUNTRY", "Peruvian"),
            ("PERSON", "Elmer Schialer"),
            ("PLACE", "Bogotá"),
            ("DATE", "April 9"),
            ("PLACE", "Putumayo River"),
            ("PLACE", "Leticia"),
            ("PLACE", "Amazonas"),
            ("DATE", "December"),
            ("PERSON", "Petro"),
            ("ORG", "Andean Community"),
            ("ORG", "CAN"),
            ("ORG", "Inter-American Development Bank"),
            ("ORG", "IDB"),
            ("COUNTRY", "Colombia"),
            ("ORG", "Ministry of Foreign Affairs"),
            ("PERSON", "Schialer"),
            ("PLACE", "Cali"),
            ("PLACE", "Valle del Cauca"),
        ],
    ),
    "ethiopia": (
        (
            "ADDIS ABABA, March 14 (Reuters) - Ethiopia and Kenya signed an agreement on "
            "Thursday to build a 500-kilometre power line linking the Oromia region to "
            "Nairobi, the African Union said. Ethiopian Prime Minister Abiy Ahmed and Kenyan "
            "President William Ruto attended the ceremony at the AU headquarters.\n\n"
            "The project will be financed by the World Bank and the African Development Bank "
            '(AfDB), which said it would lend $300 million. "Energy is the backbone of '
            'integration," Ruto told reporters. Abiy said electricity exports to Djibouti and '
            "Sudan had also grown.\n\n"
            "In Nigeria, the Economic Community of West African States (ECOWAS) opened a "
            "summit in Abuja, where Nigerian Foreign Minister Yusuf Tuggar urged members to "
            "ratify the protocol on free movement."
        ),
        [
            ("PLACE", "ADDIS ABABA"),
            ("DATE", "March 14"),
            ("ORG", "Reuters"),
            ("COUNTRY", "Ethiopia"),
            ("COUNTRY", "Kenya"),
            ("PLACE", "Oromia"),
            ("PLACE", "Nairobi"),
            ("ORG", "African Union"),
            ("COUNTRY", "Ethiopian"),
            ("PERSON", "Abiy Ahmed"),
            ("COUNTRY", "Kenyan"),
            ("PERSON", "William Ruto"),
            ("ORG", "AU"),
            ("ORG", "World Bank"),
            ("ORG", "African Development Bank"),
            ("ORG", "AfDB"),
            ("PERSON", "Ruto"),
            ("PERSON", "Abiy"),
            ("COUNTRY", "Djibouti"),
            ("COUNTRY", "Sudan"),
            ("COUNTRY", "Nigeria"),
            ("ORG", "Economic Community of West African States"),
            ("ORG", "ECOWAS"),
            ("PLACE", "Abuja"),
            ("COUNTRY", "Nigerian"),
            ("PERSON", "Yusuf Tuggar"),
        ],
    ),
    "poland": (
        (
            "WARSAW — Polish Defence Minister Władysław Kosiniak-Kamysz and his German "
            "counterpart Boris Pistorius agreed on Tuesday to station more troops along "
            "NATO's eastern flank.\n\n"
            "Speaking in Warsaw, Kosiniak-Kamysz said the Bundeswehr would send a brigade to "
            "Lithuania by 2027 and that joint exercises would take place near the town of "
            "Orzysz, in the Warmian-Masurian province. Pistorius said the Bundestag had "
            "approved the deployment in June.\n\n"
            "The European Commission has proposed a 150 billion euro defence fund, which the "
            "European Parliament will debate in Strasbourg next month. Poland spends more "
            "than 4% of its GDP on defence, the highest share in the alliance."
        ),
        [
            ("PLACE", "WARSAW"),
            ("COUNTRY", "Polish"),
            ("PERSON", "Władysław Kosiniak-Kamysz"),
            ("COUNTRY", "German"),
            ("PERSON", "Boris Pistorius"),
            ("ORG", "NATO"),
            ("PLACE", "Warsaw"),
            ("PERSON", "Kosiniak-Kamysz"),
            ("ORG", "Bundeswehr"),
            ("COUNTRY", "Lithuania"),
            ("DATE", "2027"),
            ("PLACE", "Orzysz"),
            ("PLACE", "Warmian-Masurian"),
            ("PERSON", "Pistorius"),
            ("ORG", "Bundestag"),
            ("DATE", "June"),
            ("ORG", "European Commission"),
            ("ORG", "European Parliament"),
            ("PLACE", "Strasbourg"),
            ("COUNTRY", "Poland"),
        ],
    ),
    "india": (
        (
            "NEW DELHI — Indian External Affairs Minister S. Jaishankar held talks with "
            "Bangladesh's interim leader Muhammad Yunus in Dhaka on February 17, the Ministry "
            "of External Affairs said. The two sides discussed water sharing on the Teesta "
            "River and trade through the border town of Petrapole in West Bengal.\n\n"
            "Jaishankar later flew to Colombo, where he met Sri Lankan President Anura Kumara "
            "Dissanayake and signed an agreement with the Ceylon Electricity Board on a solar "
            "project in the Jaffna district. The South Asian Association for Regional "
            "Cooperation (SAARC) has not held a summit since 2014."
        ),
        [
            ("PLACE", "NEW DELHI"),
            ("COUNTRY", "Indian"),
            ("PERSON", "S. Jaishankar"),
            ("COUNTRY", "Bangladesh"),
            ("PERSON", "Muhammad Yunus"),
            ("PLACE", "Dhaka"),
            ("DATE", "February 17"),
            ("ORG", "Ministry of External Affairs"),
            ("PLACE", "Teesta River"),
            ("PLACE", "Petrapole"),
            ("PLACE", "West Bengal"),
            ("PERSON", "Jaishankar"),
            ("PLACE", "Colombo"),
            ("COUNTRY", "Sri Lankan"),
            ("PERSON", "Anura Kumara Dissanayake"),
            ("ORG", "Ceylon Electricity Board"),
            ("PLACE", "Jaffna"),
            ("ORG", "South Asian Association for Regional Cooperation"),
            ("ORG", "SAARC"),
            ("DATE", "2014"),
        ],
    ),
    "egypt": (
        (
            "CAIRO — Egyptian Foreign Minister Badr Abdelatty and Jordan's King Abdullah "
            "discussed the situation in Gaza during a meeting in Amman on Sunday, the "
            "Jordanian royal court said.\n\n"
            "Abdelatty said Egypt would host a reconstruction conference in Cairo in November "
            "with the United Nations and the Arab League. The Suez Canal Authority reported "
            "that revenue fell by 60% last year as ships avoided the Red Sea, diverting "
            "around the Cape of Good Hope."
        ),
        [
            ("PLACE", "CAIRO"),
            ("COUNTRY", "Egyptian"),
            ("PERSON", "Badr Abdelatty"),
            ("COUNTRY", "Jordan"),
            ("PERSON", "Abdullah"),
            ("PLACE", "Gaza"),
            ("PLACE", "Amman"),
            ("COUNTRY", "Jordanian"),
            ("PERSON", "Abdelatty"),
            ("COUNTRY", "Egypt"),
            ("PLACE", "Cairo"),
            ("DATE", "November"),
            ("ORG", "United Nations"),
            ("ORG", "Arab League"),
            ("ORG", "Suez Canal Authority"),
            ("DATE", "last year"),
            ("PLACE", "Red Sea"),
            ("PLACE", "Cape of Good Hope"),
        ],
    ),
    "chile": (
        (
            "SANTIAGO — The National Copper Corporation of Chile (Codelco) and a Mexican "
            "state lithium company signed a cooperation deal, Chilean Mining Minister Aurora "
            "Williams said on Monday. The agreement covers exploration in the Atacama region "
            "and a pilot plant in the port city of Antofagasta.\n\n"
            "Williams said the Corporación de Fomento de la Producción (Corfo) would review "
            "the contracts. Codelco produced 1.4 million tonnes of copper in 2024. Mexican "
            "President Claudia Sheinbaum is expected in Santiago in October for talks with "
            "President Gabriel Boric."
        ),
        [
            ("PLACE", "SANTIAGO"),
            ("ORG", "National Copper Corporation of Chile"),
            ("ORG", "Codelco"),
            ("COUNTRY", "Mexican"),
            ("COUNTRY", "Chilean"),
            ("PERSON", "Aurora Williams"),
            ("PLACE", "Atacama"),
            ("PLACE", "Antofagasta"),
            ("PERSON", "Williams"),
            ("ORG", "Corporación de Fomento de la Producción"),
            ("ORG", "Corfo"),
            ("ORG", "Codelco"),
            ("DATE", "2024"),
            ("COUNTRY", "Mexican"),
            ("PERSON", "Claudia Sheinbaum"),
            ("PLACE", "Santiago"),
            ("DATE", "October"),
            ("PERSON", "Gabriel Boric"),
        ],
    ),
    "philippines": (
        (
            "MANILA — Philippine Senator Risa Hontiveros of the opposition Akbayan party "
            "filed a resolution on Wednesday seeking a Senate inquiry into a reclamation "
            "project in Manila Bay. Hontiveros said the project threatened fishing "
            "communities in Bataan and Cavite.\n\n"
            "The Department of Environment and Natural Resources (DENR) said it had suspended "
            "22 projects in the bay in August 2023."
        ),
        [
            ("PLACE", "MANILA"),
            ("COUNTRY", "Philippine"),
            ("PERSON", "Risa Hontiveros"),
            ("ORG", "Akbayan"),
            ("ORG", "Senate"),
            ("PLACE", "Manila Bay"),
            ("PERSON", "Hontiveros"),
            ("PLACE", "Bataan"),
            ("PLACE", "Cavite"),
            ("ORG", "Department of Environment and Natural Resources"),
            ("ORG", "DENR"),
            ("DATE", "August 2023"),
        ],
    ),
}


@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_every_entity_and_nothing_else(name: str) -> None:
    body, expected = ARTICLES[name]
    found = extract(body)
    assert [(e.type, e.text) for e in found] == expected
    assert all(body[e.start : e.end] == e.text for e in found)
