"""Developer tool: build the agreement templates from scratch (``python templates/tools/make_templates.py DIR``).

The .docx files in ``templates/`` are the source: legal edits them in Word, and partnerkit ships them
as they are (``partnerkit templates check`` guards them in the tests). This script is not part of
partnerkit: it is how the templates were first made, and a way to start a new one from clean clause
text. It never writes into ``templates/`` unless that folder is named.

Each template has real heading styles, clause numbering through Word's numbering (Heading 1 is "1.",
a Clause paragraph is "1.1"), a cover page with the parties and the Key Terms table, the standard
clauses a commercial lawyer expects of a partner agreement, conditional clauses and paragraphs written
with docxtpl's ``{%p %}`` paragraph tags (so a left-out clause leaves no empty paragraph), a
"Changes to Standard Terms" schedule, a signature block, a DRAFT marking in the header and page
numbers in the footer.

Conventions the reference check reads (docs/word.md explains them to legal):

* a cross-reference is written ``Clause N (Heading)``; in the clause text below ``{ref:Heading}``
  stands for it and is written with the clause's number in the template;
* a defined term is written in curly quotes where it is defined, ``“Business Day” means ...`` or
  ``(the “Wind-down Period”)``, and the labels of the Key Terms are defined terms too;
* a blank to fill is the highlighted ``[●]``.

Layout: no table row splits across pages, header rows repeat on each page, headings keep with the
next paragraph, and the template declares its agreement in its Category property.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Para:
    """One numbered clause paragraph; shown only when ``when`` holds, else ``otherwise`` (if given).

    ``**Lead-in.**`` at the start is written in bold; ``kinds`` names the agreements that have it.
    """

    text: str
    when: str | None = None
    otherwise: str | None = None
    kinds: tuple[str, ...] = ("integration", "reseller")


@dataclass(frozen=True)
class Clause:
    """A numbered clause: its heading, its paragraphs, and the condition under which it appears."""

    heading: str
    paragraphs: Sequence[Para | str]
    when: str | None = None
    kinds: tuple[str, ...] = ("integration", "reseller")


@dataclass(frozen=True)
class Definition:
    """One entry of the Definitions clause."""

    term: str
    meaning: str
    kinds: tuple[str, ...] = ("integration", "reseller")


@dataclass
class Agreement:
    """What one template holds: its file name, its title-page category and its clauses in order."""

    filename: str
    category: str
    clauses: list[Clause] = field(default_factory=list)


INT, RES = ("integration",), ("reseller",)

DEFINITIONS: list[Definition] = [
    Definition(
        "Agreement",
        "the Key Terms, these clauses and the Schedules, as amended in accordance with {ref:General}",
    ),
    Definition(
        "Business Day",
        "a day other than a Saturday, a Sunday or a public holiday in the place of the party receiving a "
        "notice or making a payment",
    ),
    Definition("Claim", "a claim, demand, suit or proceeding brought by a third party"),
    Definition(
        "Confidential Information",
        "all information a party (the discloser) discloses to the other (the recipient) under or in "
        "connection with this Agreement that is marked confidential or that a reasonable person would "
        "understand to be confidential, including the terms of this Agreement, product roadmaps, pricing "
        "and customer information",
    ),
    Definition("Customer", "a person that buys a subscription to the Product from Vendor", INT),
    Definition(
        "Data Protection Law",
        "every law on privacy or the processing of Personal Data that applies to a party in performing "
        "this Agreement",
    ),
    Definition(
        "End Customer",
        "a person that buys a subscription to the Product from Partner for its own use, and not for resale",
        RES,
    ),
    Definition(
        "Integration",
        "the connection between the Product and the Partner Product described under Scope in the Key "
        "Terms, with its documentation",
        INT,
    ),
    Definition(
        "Intellectual Property Rights",
        "patents, copyright, database rights, design rights, trade marks, trade names, rights in "
        "know-how and trade secrets, and every similar right anywhere in the world, registered or not",
    ),
    Definition("Key Terms", "the table of key terms on the cover page of this Agreement"),
    Definition(
        "Losses", "losses, damages, liabilities, fines, costs and expenses, including reasonable legal fees"
    ),
    Definition("Marks", "a party's trade marks, service marks, trade names and logos"),
    Definition(
        "Partner Product",
        "Partner's software products and services that connect to the Product through the Integration",
        INT,
    ),
    Definition(
        "Personal Data",
        "information relating to an identified or identifiable natural person that a party processes in "
        "performing this Agreement",
    ),
    Definition("Product", "the software products and services of Vendor that this Agreement covers"),
    Definition(
        "Program Guide",
        "Vendor's partner program guide as Vendor publishes it to its partners from time to time",
    ),
]

OPENING: list[Clause] = [
    Clause(
        "Definitions and Interpretation",
        [
            "In this Agreement, capitalised terms have the meanings given in the Key Terms, in this "
            "{ref:Definitions and Interpretation} and where they are first defined in quotation marks.",
            # The definitions follow here (see _definitions).
            "Headings do not affect interpretation. Words such as “including” do not limit the words that "
            "come before them. A reference to a Clause or a Schedule is to a clause of, or a schedule to, "
            "this Agreement. Days are calendar days unless this Agreement says Business Days. A reference "
            "to a law includes that law as amended or replaced.",
        ],
    ),
]

INTEGRATION_CLAUSES: list[Clause] = [
    Clause(
        "Appointment and Scope",
        [
            "Each party appoints the other as a non-exclusive partner to build, maintain and promote the "
            "Integration described under Scope in the Key Terms, for the Initial term and every renewal.",
            "Nothing in this Agreement stops either party from building integrations with, or promoting, "
            "other products, provided that it keeps to {ref:Confidentiality} and does not use the other "
            "party's Confidential Information to do so.",
            "The Program Guide applies to Partner's participation in Vendor's partner program. If the "
            "Program Guide and this Agreement conflict, this Agreement prevails.",
        ],
        kinds=INT,
    ),
    Clause(
        "Technical Obligations",
        [
            "Vendor will perform Vendor's technical obligations, and Partner will perform Partner's "
            "technical obligations, each as stated in the Key Terms.",
            "Each party grants the other, for the term of this Agreement, a non-exclusive, "
            "non-transferable, royalty-free right to use its interfaces, documentation and test accounts "
            "only to build, test, support and demonstrate the Integration.",
            "Each party will keep its side of the Integration working with the generally available versions "
            "of its own product, give the other party notice of a change to its interfaces that would break "
            "the Integration as early as it reasonably can (and no later than its technical obligations in "
            "the Key Terms require), and correct defects in its side of the Integration within a "
            "reasonable time.",
            "Each party bears its own costs of building, hosting and maintaining its side of the Integration.",
        ],
        kinds=INT,
    ),
    Clause(
        "Marketing Obligations",
        [
            "Each party will meet the Listing requirements and take part in the Co-marketing stated in the "
            "Key Terms.",
            Para(
                "Vendor will fund joint marketing activities that both parties approve in writing up to the "
                "Co-marketing budget per quarter in each calendar quarter; budget not used in a quarter is "
                "not carried over.",
                when="flags.co_marketing_budget",
            ),
            "A press release or other public announcement that names the other party needs that party's "
            "prior written approval. Each party uses the other's Marks only as {ref:Trademark Licence} "
            "allows.",
        ],
        kinds=INT,
    ),
    Clause(
        "Support Obligations",
        [
            "First-line support for the Integration is handled as stated under First-line support in the "
            "Key Terms, and incidents are escalated as stated under Support escalation.",
            "Each party supports its own product. Neither party gives the other party's Customers support "
            "for the other party's product beyond first-line triage.",
            "Each party will tell the other without undue delay of a security vulnerability or an incident "
            "in its side of the Integration that affects the other party or its customers, and will work "
            "with the other party to resolve it.",
        ],
        kinds=INT,
    ),
    Clause(
        "Revenue Share",
        [
            "Vendor will pay Partner the Revenue share, calculated as stated under Revenue share model in "
            "the Key Terms, on the amounts Vendor actually receives from Customers for subscriptions that "
            "include the Integration, net of taxes, refunds and credits.",
            "Vendor calculates the Revenue share for each calendar quarter and pays it under {ref:Fees, "
            "Payment and Taxes}. Where a Customer later receives a refund or credit on an amount on which "
            "the Revenue share was paid, Vendor may deduct the share paid on that amount from later "
            "payments to Partner.",
        ],
        when="flags.revenue_share",
        kinds=INT,
    ),
    Clause(
        "Referral Fees",
        [
            "Partner may introduce prospects to Vendor as stated under Referral fee terms in the Key Terms. "
            "A prospect that meets the Referral definition and that Vendor accepts is a referral (a "
            "“Referral”).",
            "A prospect that was active in Vendor's sales pipeline at any time during the Pipeline lookback "
            "before Partner's introduction is not a Referral. Vendor will tell Partner within 10 Business "
            "Days after an introduction whether it accepts the prospect as a Referral and, if it does not, "
            "why.",
            "Vendor will pay Partner the Referral fee, calculated on the Commission base, for each Referral "
            "that signs a paid subscription to the Product within the Attribution window after Vendor "
            "accepts it. Where the Commission base recurs, the Referral fee stops at the end of the "
            "Commission tail cap, counted from the Referral's first paid subscription.",
            "A Referral fee is earned only on amounts Vendor actually receives from the Customer. Where the "
            "Customer receives a refund or credit, or fails to pay, within 90 days after a payment on which "
            "a Referral fee was paid, Vendor may deduct that fee from later payments to Partner.",
            "Only one partner earns a Referral fee on a Customer: where two partners introduce the same "
            "prospect, the first introduction Vendor accepts counts. Vendor's records of introductions and "
            "acceptances decide attribution, and Partner may dispute them under {ref:Dispute Resolution "
            "and Governing Law}.",
            "Vendor pays Referral fees under {ref:Fees, Payment and Taxes}. Partner has no authority to make "
            "any offer, promise or commitment to a prospect on Vendor's behalf.",
        ],
        when="flags.referral",
        kinds=INT,
    ),
]

RESELLER_CLAUSES: list[Clause] = [
    Clause(
        "Appointment and Territory",
        [
            "Vendor appoints Partner as a reseller of the Product to End Customers in the Territory, on the "
            "exclusive or non-exclusive basis stated under Exclusivity in the Key Terms, and Partner "
            "accepts the appointment.",
            "Partner may market and resell the Product only in the Territory, only to End Customers and only "
            "on the terms of {ref:End Customers}.",
            "Partner may appoint sub-resellers only with Vendor's prior written consent, and remains "
            "responsible for the acts and omissions of each sub-reseller as if they were its own.",
            "The Program Guide is incorporated into this Agreement by reference. Vendor may update the "
            "Program Guide on 30 days' notice; if the Program Guide and this Agreement conflict, this "
            "Agreement prevails.",
            "Except as the Key Terms state, Vendor may sell the Product directly and through other partners "
            "anywhere, including in the Territory.",
        ],
        kinds=RES,
    ),
    Clause(
        "Exclusivity",
        [
            "During the Initial term, Vendor will not appoint another reseller of the Product in the "
            "Territory, provided that Partner meets the Quotas and the Minimum annual commitment.",
            "Exclusivity does not restrict Vendor's own direct sales, sales to customers whose main place of "
            "business is outside the Territory, or sales through online marketplaces.",
            "If Partner misses the Quotas or the Minimum annual commitment in any year, Vendor may make the "
            "appointment non-exclusive by giving 30 days' written notice.",
        ],
        when="flags.exclusive",
        kinds=RES,
    ),
    Clause(
        "Pricing and Orders",
        [
            "Partner buys the Product at the List price less the Partner discount stated in the Key Terms.",
            Para(
                "For subscriptions sold per seat, the List price per seat per year applies.",
                when="flags.list_price_per_seat",
            ),
            "Partner orders through Vendor's partner portal or on Vendor's order form. An order binds Vendor "
            "only when Vendor accepts it in writing.",
            "Vendor may change the List price on 60 days' notice. An order Vendor accepted before a change "
            "keeps its price for its current subscription term.",
        ],
        kinds=RES,
    ),
    Clause(
        "End-User Pricing",
        [
            Para(
                "Partner sets its own resale prices to End Customers. Nothing in this Agreement restricts "
                "Partner's freedom to do so, and any price Vendor publishes is a recommendation only.",
                when="not flags.controlled_pricing",
                otherwise="End-user prices are set as stated under End-user pricing in the Key Terms. LEGAL "
                "REVIEW REQUIRED: a resale price set by Vendor may breach competition law (resale price "
                "maintenance).",
            ),
            "The End-user pricing stated in the Key Terms does not change the price Partner pays Vendor "
            "under {ref:Pricing and Orders}.",
        ],
        kinds=RES,
    ),
    Clause(
        "Deal Registration",
        [
            "Partner registers opportunities as stated under Deal registration and Registration process in "
            "the Key Terms.",
            "An approved registration is protected for the Protection period and earns the Extra discount "
            "on registered deals, if any. Conflicts between registrations are resolved as stated under "
            "Conflict resolution.",
            "A registration that does not close within the Protection period lapses, unless Vendor extends "
            "it in writing. Vendor decides on registrations in good faith and in line with the Program "
            "Guide.",
        ],
        when="flags.deal_registration",
        kinds=RES,
    ),
    Clause(
        "Training",
        [
            "Partner will complete the Initial training and keep up the Ongoing training stated in the Key "
            "Terms, and will keep enough trained staff to sell and support the Product.",
            "Vendor provides its standard training materials without charge. Each party bears its own "
            "staff's travel and time.",
        ],
        kinds=RES,
    ),
    Clause(
        "Minimum Commitment",
        [
            "Partner will meet the Quotas and the Minimum annual commitment in each year of this Agreement.",
            "Partner's progress is measured from the reports it gives under {ref:Reporting and Audit}.",
        ],
        when="flags.quota",
        kinds=RES,
    ),
    Clause(
        "Partner's Obligations",
        [
            "Partner will actively market the Product in the Territory, describe it accurately and only as "
            "Vendor's documentation does, and conduct its business in a way that reflects well on Vendor "
            "and the Product.",
            "Partner will not make any representation, warranty or commitment about the Product on Vendor's "
            "behalf beyond Vendor's documentation.",
            "Partner provides first-line support to its End Customers; Vendor provides second-line support "
            "to Partner as the Program Guide describes.",
        ],
        kinds=RES,
    ),
    Clause(
        "Vendor's Obligations",
        [
            "Vendor will give Partner sales and technical materials, demonstration access to the Product "
            "and second-line support, and will tell Partner in good time of material changes to the "
            "Product.",
            Para(
                "Vendor will fund joint marketing activities that both parties approve in writing up to the "
                "Co-marketing budget per quarter in each calendar quarter; budget not used in a quarter is "
                "not carried over.",
                when="flags.co_marketing_budget",
            ),
        ],
        kinds=RES,
    ),
    Clause(
        "End Customers",
        [
            "Partner will have every End Customer accept Vendor's end-customer terms before the End "
            "Customer gets access to the Product, and will not offer any term that conflicts with them. "
            "Vendor's obligations to End Customers are only those in Vendor's end-customer terms.",
            "Partner will tell Vendor promptly of any complaint or Claim by an End Customer about the "
            "Product.",
        ],
        kinds=RES,
    ),
]

_FEES_INTEGRATION = [
    "Within 30 days after the end of each calendar quarter, Vendor will send Partner a statement of the "
    "amounts due to Partner under this Agreement for that quarter, showing each Customer and the amount "
    "each sum is calculated on. Partner invoices Vendor for the amount of the statement, and Vendor pays "
    "each undisputed invoice within 30 days after receiving it.",
]
_FEES_RESELLER = [
    "Vendor invoices Partner for each order when Vendor accepts it, and for each renewal at the start of "
    "its subscription period. Partner pays each undisputed invoice within 30 days after the invoice date, "
    "whether or not the End Customer has paid Partner.",
    "If an undisputed invoice is more than 15 days overdue, Vendor may, after giving notice, suspend "
    "accepting new orders from Partner until it is paid.",
]

SHARED_CLAUSES: list[Clause] = [
    Clause(
        "Fees, Payment and Taxes",
        [
            *(Para(text, kinds=INT) for text in _FEES_INTEGRATION),
            *(Para(text, kinds=RES) for text in _FEES_RESELLER),
            "Amounts are payable in the currency in which the Key Terms state them, by bank transfer to the "
            "account the payee names in writing.",
            "Amounts are exclusive of value added tax, sales tax and similar taxes, which the payer pays in "
            "addition where they apply. Each party bears its own taxes on its income. If a law requires the "
            "payer to withhold tax from a payment, the payer withholds it, pays it to the authority, gives "
            "the payee the receipt, and the amount withheld counts as paid.",
            "Undisputed amounts not paid when due bear interest at 1% per month, or the highest rate the law "
            "allows if that is lower, from the due date until paid.",
            "A party that disputes an amount in good faith tells the other party in writing, with its "
            "reasons, before the amount is due, pays the part it does not dispute, and the parties resolve "
            "the dispute under {ref:Dispute Resolution and Governing Law}.",
        ],
    ),
    Clause(
        "Reporting and Audit",
        [
            Para(
                "Partner will report the Reporting metrics at the Reporting frequency stated in the Key "
                "Terms, in the form the Program Guide describes.",
                kinds=RES,
            ),
            "Each party keeps complete and accurate records of the amounts due under this Agreement during "
            "its term and for two years after it ends.",
            "Each party may audit the other party's records of the amounts due under this Agreement as "
            "stated under Audit and reporting rights in the Key Terms, giving the Audit notice. The audited "
            "party pays any underpayment the audit finds within 30 days after the audit report.",
        ],
    ),
    Clause(
        "Intellectual Property",
        [
            "Each party keeps all of its Intellectual Property Rights, including those in its own products, "
            "its Marks and its Confidential Information. Nothing in this Agreement transfers any "
            "Intellectual Property Rights, and no licence is granted except as this Agreement states.",
            Para(
                "Vendor grants Partner, for the term of this Agreement, a non-exclusive, non-transferable "
                "licence to use the Product for demonstration, training and support of End Customers only. "
                "End Customers receive their rights to the Product from Vendor's end-customer terms.",
                kinds=RES,
            ),
            "Neither party will copy, modify, decompile or reverse engineer the other party's products, "
            "except as far as the law allows despite this restriction.",
            "A party may use suggestions the other party gives about its products freely and without "
            "obligation, provided that it does not disclose the other party's Confidential Information.",
        ],
    ),
    Clause(
        "Trademark Licence",
        [
            "Each party grants the other the Trademark licence stated in the Key Terms for its Marks.",
            "All goodwill arising from the use of a party's Marks belongs to that party. A party may withdraw "
            "its approval of a use of its Marks by notice if the use harms its reputation, and the other "
            "party then stops that use within 30 days.",
        ],
    ),
    Clause(
        "Confidentiality",
        [
            "The recipient will keep the discloser's Confidential Information confidential, use it only to "
            "perform this Agreement, protect it with at least reasonable care, and disclose it only to its "
            "employees, contractors and advisers who need to know it and are bound by confidentiality "
            "obligations at least as protective as these.",
            "These obligations do not apply to information that is or becomes public through no fault of the "
            "recipient, that the recipient knew without restriction before receiving it, that it receives "
            "lawfully from a third party without restriction, or that it develops independently.",
            "The recipient may disclose Confidential Information where a law, regulator or court requires "
            "it, after telling the discloser (where the law allows) so that the discloser can seek "
            "protection.",
            "These obligations continue during this Agreement and for the Confidentiality after termination "
            "stated in the Key Terms, and for trade secrets for as long as they remain trade secrets.",
        ],
    ),
    Clause(
        "Data Protection",
        [
            "Each party will comply with Data Protection Law and will process Personal Data as stated under "
            "Data protection in the Key Terms.",
            "Where one party processes Personal Data on behalf of the other, the parties will sign a data "
            "processing agreement that meets Data Protection Law before that processing starts.",
            "Each party will keep Personal Data secure with appropriate technical and organisational "
            "measures, and will tell the other party without undue delay of a breach of security affecting "
            "Personal Data it received from the other party.",
        ],
    ),
    Clause(
        "Warranties and Disclaimer",
        [
            "Each party warrants that it is duly organised and in good standing, that it has the authority "
            "to enter into and perform this Agreement, and that doing so does not breach any other "
            "agreement that binds it.",
            Para(
                "Each party warrants that its side of the Integration, as it supplies it, will perform "
                "materially as its documentation describes.",
                kinds=INT,
            ),
            Para(
                "Vendor warrants the Product to End Customers only as Vendor's end-customer terms state, and "
                "Partner will not give End Customers any other warranty on Vendor's behalf.",
                kinds=RES,
            ),
            "Except as this Agreement expressly states, each party provides its products, interfaces and "
            "materials “as is” and, to the extent the law allows, disclaims all other warranties, whether "
            "express, implied or statutory, including warranties of merchantability, fitness for a "
            "particular purpose, title and non-infringement.",
        ],
    ),
    Clause(
        "Indemnities",
        [
            Para(
                "Vendor will defend Partner against any Claim that the Product or Vendor's side of the "
                "Integration, as Vendor supplies it and used in accordance with this Agreement, infringes or "
                "misappropriates a third party's Intellectual Property Rights, and will pay the Losses "
                "finally awarded against Partner, or agreed in a settlement Vendor approves, on that Claim.",
                kinds=INT,
            ),
            Para(
                "Vendor will defend Partner against any Claim that the Product, as Vendor supplies "
                "it and used in accordance with this Agreement, infringes or misappropriates a third party's "
                "Intellectual Property Rights, and will pay the Losses finally awarded against Partner, or "
                "agreed in a settlement Vendor approves, on that Claim.",
                kinds=RES,
            ),
            Para(
                "Partner will defend Vendor against any Claim that the Partner Product or Partner's side of "
                "the Integration infringes or misappropriates a third party's Intellectual Property Rights, "
                "or that arises from Partner's breach of {ref:Compliance}, and will pay the Losses finally "
                "awarded against Vendor, or agreed in a settlement Partner approves, on that Claim.",
                kinds=INT,
            ),
            Para(
                "Partner will defend Vendor against any Claim arising from a representation, warranty or "
                "commitment Partner or its sub-resellers gave an End Customer beyond Vendor's documentation "
                "and end-customer terms, or from Partner's breach of {ref:Compliance}, and will pay the "
                "Losses finally awarded against Vendor, or agreed in a settlement Partner approves, on that "
                "Claim.",
                kinds=RES,
            ),
            "Vendor's obligation does not apply to a Claim caused by a combination with products Vendor did "
            "not supply, by a change Vendor did not make, by use after Vendor offered a non-infringing "
            "version, or by Vendor following the other party's instructions. If the Product is, or Vendor "
            "reasonably believes it is likely to be, the subject of a Claim, Vendor may obtain the right to "
            "continue using it, modify or replace it so that it no longer infringes, or, if neither is "
            "reasonably possible, withdraw it and refund any fees prepaid for the period after withdrawal.",
            "The party seeking a defence (the “Indemnified Party”) will notify the party giving it (the "
            "“Indemnifying Party”) in writing of the Claim promptly (a delay excuses the Indemnifying Party "
            "only to the extent it prejudices the defence), give the Indemnifying Party sole control of the "
            "defence and settlement, and give it reasonable cooperation at the Indemnifying Party's cost. "
            "The Indemnifying Party will not settle a Claim in a way that admits fault of the Indemnified "
            "Party or places an obligation on it, other than a payment the Indemnifying Party makes, "
            "without the Indemnified Party's written consent, which it will not unreasonably withhold. The "
            "Indemnified Party may take part in the defence with its own counsel at its own cost.",
            "This {ref:Indemnities} states each party's entire liability, and the other party's only "
            "remedy, for Claims that a party's products infringe a third party's Intellectual Property "
            "Rights.",
        ],
    ),
    Clause(
        "Limitation of Liability",
        [
            "Neither party is liable to the other for any indirect, incidental, special, consequential or "
            "punitive damages, or for loss of profits, revenue, business or goodwill, however caused and "
            "even if it was told they were possible.",
            "Each party's total liability arising out of or in connection with this Agreement, whether in "
            "contract, tort (including negligence) or otherwise, is limited to the Liability cap stated in "
            "the Key Terms.",
            Para(
                "The exclusion and the cap in this Clause do not apply to the Claims outside the liability cap "
                "stated in the Key Terms. Where those claims include indemnified claims, they cover each "
                "party's obligations under {ref:Indemnities}.",
                when="flags.liability_cap_exceptions",
            ),
            "Nothing in this Agreement limits a liability that the law does not allow to be limited, "
            "including liability for fraud or for death or personal injury caused by negligence.",
        ],
    ),
    Clause(
        "Insurance",
        [
            "During this Agreement and for one year after it ends, Partner will maintain with reputable "
            "insurers commercial general liability, professional liability (errors and omissions) and cyber "
            "liability insurance, each with limits customary for a business of its size and activities.",
            "Partner will give Vendor certificates of that insurance on request, and will tell Vendor "
            "promptly if any of it is cancelled or materially reduced.",
        ],
        kinds=RES,
    ),
    Clause(
        "Non-Solicitation and Non-Circumvention",
        [
            Para(
                "During this Agreement and, after it ends, for the period stated under Non-solicitation of "
                "staff in the Key Terms, neither party will solicit for employment or engagement an employee of the other party who worked on this "
                "Agreement in the previous 12 months, without the other party's written consent. General "
                "recruitment advertising not aimed at those employees, and hiring a person who answers it, "
                "is not a breach.",
                when="flags.non_solicit",
            ),
            Para(
                "As stated under Non-circumvention in the Key Terms, during this Agreement and for 12 months "
                "after it ends neither party will use the other party's Confidential Information to go "
                "around the other party in order to do business directly with a customer or prospect that "
                "the other party introduced under this Agreement.",
                when="flags.non_circumvention",
            ),
        ],
        when="flags.non_solicit or flags.non_circumvention",
    ),
    Clause(
        "Compliance",
        [
            "Each party will comply with all anti-bribery and anti-corruption laws that apply to it, will "
            "not offer, give, request or accept a bribe or any other improper payment or advantage in "
            "connection with this Agreement, will keep accurate books and records of its dealings under "
            "it, and will tell the other party promptly if it learns of a breach of this Clause.",
            "Each party will comply with the export control and economic sanctions laws that apply to the "
            "Product and to its activities under this Agreement. Partner will not market, supply or give "
            "access to the Product to, or for the benefit of, any person in a country or region subject to "
            "comprehensive sanctions, or any person named on a sanctions or restricted-party list that "
            "applies to either party.",
            Para(
                "Partner will make its sub-resellers and staff comply with this Clause.",
                kinds=RES,
            ),
            "Either party may terminate this Agreement with immediate effect by notice if the other party "
            "breaches this Clause.",
        ],
    ),
    Clause(
        "Term and Termination",
        [
            "This Agreement starts on the Effective date and continues for the Initial term, and then as "
            "stated under Renewal in the Key Terms.",
            "Either party may terminate this Agreement as stated under Termination in the Key Terms, giving "
            "the Termination notice.",
            "Either party may terminate this Agreement by notice if the other party commits a material "
            "breach and does not cure it within the Cure period for breach after receiving notice that "
            "describes it, or with immediate effect if the other party becomes insolvent, makes an "
            "arrangement with its creditors, has a receiver, administrator or liquidator appointed, or "
            "stops carrying on business.",
        ],
    ),
    Clause(
        "Effects of Termination",
        [
            "When this Agreement ends, every appointment and licence under it ends, and each party stops "
            "using the other party's Marks and stops presenting itself as the other party's partner, "
            "except as this Clause allows.",
            Para(
                "For 90 days after this Agreement ends (the “Wind-down Period”), each party keeps its side "
                "of the Integration working for Customers who use it and helps them move to another "
                "solution, and Customers keep their subscriptions to the Product on their own terms.",
                kinds=INT,
            ),
            Para(
                "For 90 days after this Agreement ends (the “Wind-down Period”), Partner may complete orders "
                "Vendor accepted before the end; End Customers keep their subscriptions to the end of their "
                "current term, and then renew directly with Vendor or with another Vendor partner. Partner "
                "will give Vendor the contact and renewal information Vendor needs to move the End Customers "
                "over, and will cooperate so that they suffer no interruption.",
                kinds=RES,
            ),
            "Within 30 days after the end of the Wind-down Period, each party returns or destroys the other "
            "party's Confidential Information and materials (including demonstration accounts, price lists "
            "and marketing materials) and confirms it in writing on request. A party may keep copies that a "
            "law requires it to keep or that sit in routine backups, and they stay confidential.",
            Para(
                "Amounts earned before this Agreement ends stay payable. Vendor pays the Revenue share on "
                "amounts it receives up to the end of the Wind-down Period.",
                when="flags.revenue_share",
                otherwise="Amounts earned before this Agreement ends stay payable.",
                kinds=INT,
            ),
            Para("Amounts earned before this Agreement ends stay payable.", kinds=RES),
            Para(
                "Vendor keeps paying Referral fees on Referrals it accepted before this Agreement ended, "
                "until the end of the Commission tail cap.",
                when="flags.referral",
                kinds=INT,
            ),
            "The obligations stated under Survival in the Key Terms, and every other provision that by its "
            "nature is meant to survive, survive the end of this Agreement.",
        ],
    ),
    Clause(
        "Notices",
        [
            "A notice under this Agreement must be in writing and sent to the receiving party's notice "
            "address and person stated on the cover page, by hand, by courier or by email to the email "
            "address given there. A notice of breach, of termination or of a Claim must also be sent by "
            "courier.",
            "A notice delivered by hand or by courier is received on delivery. A notice sent by email is "
            "received when sent, unless the sender receives a message that it was not delivered; an email "
            "sent after 5 p.m. or on a day that is not a Business Day, in the place of receipt, is received "
            "on the next Business Day.",
            "A party may change its notice details by notice to the other party.",
        ],
    ),
    Clause(
        "Assignment and Subcontracting",
        [
            "Each party may assign this Agreement only as stated under Assignment in the Key Terms. An "
            "assignment in breach of this Clause is void.",
            "A party may use subcontractors to perform its obligations and remains responsible for them as "
            "for itself.",
            "This Agreement binds and benefits the parties and their permitted successors and assigns.",
        ],
    ),
    Clause(
        "Force Majeure",
        [
            "Neither party is liable for a delay or failure to perform an obligation, other than an "
            "obligation to pay, caused by an event beyond its reasonable control, such as a natural "
            "disaster, epidemic, war, terrorism, riot, government action, a labour dispute not involving its "
            "own staff, or a failure of public utilities or networks (a “Force Majeure Event”).",
            "The affected party will tell the other party promptly, do what it reasonably can to limit the "
            "effects of the Force Majeure Event, and resume performance as soon as it can. If a Force "
            "Majeure Event prevents performance for more than 60 days, either party may terminate this "
            "Agreement by notice.",
        ],
    ),
    Clause(
        "Dispute Resolution and Governing Law",
        [
            "Before starting litigation, except to seek urgent interim relief, the parties will try to "
            "resolve a dispute as stated under Escalation before litigation in the Key Terms.",
            "This Agreement, and any dispute or claim arising out of or in connection with it, is governed "
            "by the Governing law stated in the Key Terms, without regard to its conflict-of-laws rules.",
            "The Courts stated in the Key Terms have exclusive jurisdiction over any such dispute, and each "
            "party submits to them, except that either party may seek urgent injunctive relief in any "
            "court.",
        ],
    ),
    Clause(
        "General",
        [
            "**Entire agreement.** This Agreement is the parties' entire agreement on its subject and "
            "replaces all earlier agreements, proposals and representations on it. Each party confirms that "
            "it has not relied on any statement that this Agreement does not set out; nothing in this Clause "
            "limits liability for fraud.",
            "**Amendment.** This Agreement may be amended only in writing signed by both parties. An update "
            "of the Program Guide does not amend this Agreement.",
            "**Waiver.** A failure or delay in exercising a right is not a waiver of it. A waiver is "
            "effective only in writing and only for the case it covers.",
            "**Severability.** If a court finds a provision invalid or unenforceable, that provision is "
            "changed to the minimum extent needed to make it enforceable, and the rest of this Agreement "
            "stays in force.",
            "**Independent contractors.** The parties are independent contractors. This Agreement creates no "
            "partnership in law, joint venture, agency, franchise or employment relationship, and neither "
            "party may bind the other.",
            "**No third-party beneficiaries.** No person other than the parties and their permitted "
            "successors and assigns has a right to enforce any term of this Agreement.",
            "**Counterparts and electronic signature.** This Agreement may be signed in counterparts, which "
            "together form one agreement, and by electronic signature, which the parties agree is as "
            "binding as a handwritten one.",
            "**Order of precedence.** If the parts of this Agreement conflict, they prevail in this order: "
            "the Key Terms, Schedule 1 (Changes to Standard Terms), these clauses, and then the Program "
            "Guide.",
        ],
    ),
]

AGREEMENTS: dict[str, Agreement] = {
    "integration": Agreement(
        "integration-agreement.docx",
        "partnerkit integration agreement",
        [*OPENING, *INTEGRATION_CLAUSES, *(c for c in SHARED_CLAUSES if "integration" in c.kinds)],
    ),
    "reseller": Agreement(
        "reseller-agreement.docx",
        "partnerkit reseller agreement",
        [*OPENING, *RESELLER_CLAUSES, *(c for c in SHARED_CLAUSES if "reseller" in c.kinds)],
    ),
}

_NUMBERING_ID = 90
_REF = re.compile(r"\{ref:([^}]+)\}")
_BOLD = re.compile(r"\*\*(.+?)\*\*")


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    result: str = qn(tag)
    return result


def _add_clause_numbering(document: Any) -> None:
    """A multilevel list: Heading 1 is "1.", a Clause paragraph is "1.1"."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.shared import Pt

    numbering = document.part.numbering_part.element
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{_NUMBERING_ID}">'
        '<w:multiLevelType w:val="multilevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:pStyle w:val="Heading1"/>'
        '<w:lvlText w:val="%1."/><w:lvlJc w:val="left"/>'
        '<w:pPr><w:ind w:left="567" w:hanging="567"/></w:pPr></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:pStyle w:val="Clause"/>'
        '<w:lvlText w:val="%1.%2"/><w:lvlJc w:val="left"/>'
        '<w:pPr><w:ind w:left="567" w:hanging="567"/></w:pPr></w:lvl>'
        "</w:abstractNum>"
    )
    first_num = numbering.find(_qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{_NUMBERING_ID}"><w:abstractNumId w:val="{_NUMBERING_ID}"/></w:num>'
        )
    )
    heading = document.styles["Heading 1"]
    heading.font.size = Pt(12)
    heading.paragraph_format.space_before = Pt(10)
    heading.paragraph_format.space_after = Pt(3)
    heading.element.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:numId w:val="{_NUMBERING_ID}"/></w:numPr>')
    )
    clause = document.styles.add_style("Clause", WD_STYLE_TYPE.PARAGRAPH)
    clause.base_style = document.styles["Normal"]
    clause.paragraph_format.space_after = Pt(4)
    clause.element.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="1"/><w:numId w:val="{_NUMBERING_ID}"/></w:numPr>')
    )


def _compact(document: Any) -> None:
    """A contract's page: 10-point text, single spacing, 2 cm margins."""
    from docx.shared import Cm, Pt

    normal = document.styles["Normal"]
    normal.font.size = Pt(10)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.0
    section = document.sections[0]
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin = section.bottom_margin = Cm(2.0)


def _unnumbered(paragraph: Any) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    paragraph._p.get_or_add_pPr().append(parse_xml(f'<w:numPr {nsdecls("w")}><w:numId w:val="0"/></w:numPr>'))


def _keep_with_next(paragraph: Any) -> None:
    paragraph.paragraph_format.keep_with_next = True


def _field(paragraph: Any, instruction: str, placeholder: str) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    paragraph._p.append(
        parse_xml(
            f'<w:fldSimple {nsdecls("w")} w:instr=" {instruction} "><w:r><w:t>{placeholder}</w:t></w:r></w:fldSimple>'
        )
    )


def _tag(document: Any, tag: str) -> None:
    """A paragraph holding only a docxtpl paragraph tag: it disappears from the rendered document."""
    document.add_paragraph(tag)


def _widths(table: Any, centimetres: Sequence[float]) -> None:
    """Fixed column widths (Word reads the cells', LibreOffice the grid's)."""
    from docx.shared import Cm

    table.autofit = False
    for column, width in zip(table.columns, centimetres, strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)


def _rows_stay_whole(table: Any, header: bool = True) -> None:
    """No row splits across a page; the first row (the header) repeats on every page."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    for number, row in enumerate(table.rows):
        props = row._tr.get_or_add_trPr()
        props.append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))
        if header and number == 0:
            props.append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))


def _value(paragraph: Any, expression: str, *, bold: bool = False) -> None:
    """The value of ``expression``, or the highlighted blank ``[●]`` when it is still to be agreed."""
    from docx.enum.text import WD_COLOR_INDEX

    paragraph.add_run(f"{{%r if {expression} is blank %}}")
    marker = paragraph.add_run("[●]")
    marker.font.highlight_color = WD_COLOR_INDEX.YELLOW
    marker.bold = bold
    paragraph.add_run("{%r else %}")
    paragraph.add_run(f"{{{{ {expression} }}}}").bold = bold
    paragraph.add_run("{%r endif %}")


def _table(
    document: Any, header: Sequence[str], loop: str, cells: Sequence[str], widths: Sequence[float]
) -> None:
    """A table with a header row (repeated on each page) and one row repeated by a ``{%tr for %}`` loop.

    A cell written ``value:EXPR`` shows the value of EXPR, or the highlighted blank.
    """
    table = document.add_table(rows=4, cols=len(header))
    table.style = document.styles["Table Grid"]
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    table.rows[1].cells[0].text = f"{{%tr for {loop} %}}"
    for cell, text in zip(table.rows[2].cells, cells, strict=True):
        if text.startswith("value:"):
            cell.text = ""
            _value(cell.paragraphs[0], text.removeprefix("value:"))
        else:
            cell.text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"
    _widths(table, widths)
    _rows_stay_whole(table)


def clause_numbers(clauses: Sequence[Clause]) -> dict[str, int]:
    """The number of each clause heading in the template, every conditional clause included."""
    return {clause.heading: number for number, clause in enumerate(clauses, start=1)}


def _with_references(text: str, numbers: dict[str, int]) -> str:
    def reference(match: re.Match[str]) -> str:
        heading = match.group(1)
        if heading not in numbers:
            raise KeyError(f"reference to a clause this template does not have: {heading!r}")
        return f"Clause {numbers[heading]} ({heading})"

    return _REF.sub(reference, text)


def _clause_paragraph(document: Any, text: str) -> None:
    paragraph = document.add_paragraph(style="Clause")
    position = 0
    for match in _BOLD.finditer(text):
        if match.start() > position:
            paragraph.add_run(text[position : match.start()])
        paragraph.add_run(match.group(1)).bold = True
        position = match.end()
    if position < len(text):
        paragraph.add_run(text[position:])


def _definitions(document: Any, kind: str, numbers: dict[str, int]) -> None:
    for item in DEFINITIONS:
        if kind not in item.kinds:
            continue
        paragraph = document.add_paragraph(style="Clause")
        paragraph.add_run(f"“{item.term}”").bold = True
        paragraph.add_run(f" means {_with_references(item.meaning, numbers)}.")


def _clauses(document: Any, kind: str, clauses: Sequence[Clause], numbers: dict[str, int]) -> None:
    for clause in clauses:
        if clause.when:
            _tag(document, f"{{%p if {clause.when} %}}")
        document.add_heading(clause.heading, level=1)
        for index, item in enumerate(clause.paragraphs):
            if clause.heading == "Definitions and Interpretation" and index == 1:
                _definitions(document, kind, numbers)
            para = Para(item) if isinstance(item, str) else item
            if kind not in para.kinds:
                continue  # a paragraph of the other agreement
            when, otherwise = para.when, para.otherwise
            if when:
                _tag(document, f"{{%p if {when} %}}")
            _clause_paragraph(document, _with_references(para.text, numbers))
            if when and otherwise is not None:
                _tag(document, "{%p else %}")
                _clause_paragraph(document, _with_references(otherwise, numbers))
            if when:
                _tag(document, "{%p endif %}")
        if clause.when:
            _tag(document, "{%p endif %}")


def build_template(kind: str) -> Any:
    """The python-docx Document of the default ``kind`` ("integration" or "reseller") template."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, RGBColor

    agreement = AGREEMENTS[kind]
    numbers = clause_numbers(agreement.clauses)
    document = Document()
    _compact(document)
    _add_clause_numbering(document)
    document.core_properties.title = "{{ agreement.title }}"
    document.core_properties.subject = "Draft agreement generated by partnerkit"
    document.core_properties.author = "partnerkit"
    document.core_properties.category = agreement.category
    document.core_properties.comments = ""

    # Header: the DRAFT marking. Footer: the agreement, the partner and page X of Y.
    section = document.sections[0]
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    mark = header.add_run("DRAFT")
    mark.bold = True
    mark.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    header.add_run(" for legal review, not an offer. Reference {{ agreement.reference }}")
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("{{ agreement.title }}: {{ partner_name }}. Page ")
    _field(footer, "PAGE", "1")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES", "1")

    # Cover page.
    document.add_paragraph("{{ agreement.title }}", style="Title")
    document.add_paragraph("Draft of {{ agreement.date }} for legal review", style="Subtitle")
    parties = document.add_paragraph("Between ")
    parties.add_run("{{ company.legal_name }}").bold = True
    parties.add_run(" (“Vendor”) and ")
    parties.add_run("{{ partner.legal_name }}").bold = True
    parties.add_run(" (“Partner”), each a “party” and together the “parties”.")
    _keep_with_next(parties)
    notices = document.add_table(rows=3, cols=3)
    notices.style = document.styles["Table Grid"]
    for cell, text in zip(notices.rows[0].cells, ["Party", "Notice address", "Notices to"], strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    for row, party in zip(notices.rows[1:], ["company", "partner"], strict=True):
        row.cells[0].text = "{{ " + party + ".legal_name }}"
        row.cells[1].text = ""
        _value(row.cells[1].paragraphs[0], f"{party}.notice_address")
        row.cells[2].text = ""
        _value(row.cells[2].paragraphs[0], f"{party}.contact")
    _widths(notices, [4.5, 6.0, 5.5])
    _rows_stay_whole(notices)
    key_terms = document.add_heading("Key Terms", level=1)
    _unnumbered(key_terms)
    intro = document.add_paragraph(
        "These Key Terms, the clauses that follow and Schedule 1 (Changes to Standard Terms) form the "
        "Agreement. Each term in the first column below is a defined term that the clauses use. A "
        "highlighted blank is a value still to be agreed."
    )
    _keep_with_next(intro)
    _table(
        document,
        ["Term", "Agreed"],
        "row in cover_terms",
        ["{{ row.label }}", "value:row.value"],
        [5.5, 10.5],
    )

    # Clauses, on a new page.
    start = len(document.paragraphs)
    _clauses(document, kind, agreement.clauses, numbers)
    document.paragraphs[start].paragraph_format.page_break_before = True

    # Schedule 1: every deviation from the program's standard terms.
    schedule = document.add_heading("Schedule 1: Changes to Standard Terms", level=1)
    schedule.paragraph_format.page_break_before = True
    _unnumbered(schedule)
    _tag(document, "{%p if deviations %}")
    lead = document.add_paragraph(
        "This draft departs from the program's standard terms as follows. Each change needs the "
        "approval named in the Program Guide."
    )
    _keep_with_next(lead)
    _table(
        document,
        ["Term", "Standard", "This Agreement", "Why"],
        "change in deviations",
        ["{{ change.label }}", "{{ change.standard }}", "{{ change.value }}", "{{ change.reason }}"],
        [3.5, 3.5, 3.5, 5.5],
    )
    _tag(document, "{%p else %}")
    document.add_paragraph("None: this draft follows the program's standard terms.")
    _tag(document, "{%p endif %}")

    # Signature block.
    signatures = document.add_heading("Signatures", level=1)
    _unnumbered(signatures)
    signed = document.add_paragraph("Signed by the authorised representatives of the parties.")
    _keep_with_next(signed)
    block = document.add_table(rows=5, cols=2)
    block.style = document.styles["Table Grid"]
    block.rows[0].cells[0].paragraphs[0].add_run("{{ company.legal_name }}").bold = True
    block.rows[0].cells[1].paragraphs[0].add_run("{{ partner.legal_name }}").bold = True
    for row, label in zip(block.rows[1:], ["Signature:", "Name:", "Title:", "Date:"], strict=True):
        for cell in row.cells:
            cell.text = label
            cell.paragraphs[0].paragraph_format.keep_with_next = True
    _widths(block, [8.0, 8.0])
    _rows_stay_whole(block, header=False)
    block.rows[1].height = Cm(1.5)  # room to sign
    return document


STATEMENT = "payout-statement.docx"


def build_statement() -> Any:
    """The python-docx Document of the default payout statement template (docs/payouts.md lists its context)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = Document()
    document.core_properties.title = "Payout statement {{ statement.reference }}"
    document.core_properties.subject = "Payout statement generated by partnerkit"
    document.core_properties.author = "partnerkit"
    document.core_properties.comments = ""
    section = document.sections[0]
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    header.add_run("{{ program }} partner payout statement. Reference {{ statement.reference }}")
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("{{ partner.name }}, {{ statement.period }}. Page ")
    _field(footer, "PAGE", "1")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES", "1")

    document.add_paragraph("Payout statement", style="Title")
    document.add_paragraph(
        "{{ statement.period }}: {{ statement.start }} to {{ statement.end }}", style="Subtitle"
    )
    parties = document.add_paragraph("From ")
    parties.add_run("{{ company.legal_name }}").bold = True
    parties.add_run(" to ")
    parties.add_run("{{ partner.legal_name }}").bold = True
    parties.add_run(", prepared on {{ statement.prepared }}.")
    facts = document.add_table(rows=5, cols=2)
    facts.style = document.styles["Table Grid"]
    for row, (label, value) in zip(
        facts.rows,
        [
            ("Partner", "{{ partner.name }}"),
            ("Tier", "{{ statement.tier }}"),
            ("Agreement", "{{ statement.agreement }}"),
            ("Currency", "{{ statement.currency }}"),
            ("Status", "{{ statement.status }}"),
        ],
        strict=True,
    ):
        row.cells[0].paragraphs[0].add_run(label).bold = True
        row.cells[1].text = value
    _widths(facts, [5.0, 11.0])

    document.add_heading("Lines", level=1)
    _tag(document, "{%p if flags.lines %}")
    _table(
        document,
        ["Date", "Deal", "Account", "Line", "Base", "Rate", "Amount", "Why"],
        "line in lines",
        [
            "{{ line.date }}",
            "{{ line.deal_id }}",
            "{{ line.account }}",
            "{{ line.kind }}",
            "{{ line.base }}",
            "{{ line.rate }}",
            "{{ line.amount }}",
            "{{ line.note }}",
        ],
        [2.2, 1.6, 2.6, 2.2, 1.9, 1.3, 1.9, 3.3],
    )
    _tag(document, "{%p else %}")
    document.add_paragraph("No deal earned or took back a commission in this period.")
    _tag(document, "{%p endif %}")

    document.add_heading("Totals", level=1)
    totals = document.add_table(rows=9, cols=2)
    totals.style = document.styles["Table Grid"]
    for row, (label, key) in zip(
        totals.rows,
        [
            ("Commissions earned", "earned"),
            ("Clawed back", "clawed_back"),
            ("Tier accelerator", "accelerator"),
            ("Net this period", "net"),
            ("Brought forward", "carried_in"),
            ("Balance", "balance"),
            ("Minimum payout", "minimum"),
            ("Payable now", "payable"),
            ("Carried over to the next run", "carried_out"),
        ],
        strict=True,
    ):
        row.cells[0].text = label
        row.cells[1].text = "{{ totals." + key + " }}"
    for cell in totals.rows[7].cells:
        for run in cell.paragraphs[0].runs:
            run.bold = True
    _widths(totals, [8.0, 8.0])

    document.add_heading("How this statement is computed", level=1)
    _tag(document, "{%p for rule in rules %}")
    document.add_paragraph("{{ rule }}", style="List Bullet")
    _tag(document, "{%p endfor %}")
    return document


def main(argv: Sequence[str] | None = None) -> int:
    """Write the agreement templates and the payout statement template into the folder given."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python templates/tools/make_templates.py DIR", file=sys.stderr)
        return 2
    out = Path(args[0])
    out.mkdir(parents=True, exist_ok=True)
    for kind, agreement in AGREEMENTS.items():
        (out / agreement.filename).write_bytes(_stable(build_template(kind)))
        print(out / agreement.filename)
    (out / STATEMENT).write_bytes(_stable(build_statement()))
    print(out / STATEMENT)
    return 0


def _stable(document: Any) -> bytes:
    """The document's bytes with fixed dates, so remaking an unchanged template changes no byte."""
    import zipfile
    from datetime import datetime
    from io import BytesIO

    when = datetime(2026, 1, 1)
    document.core_properties.created = when
    document.core_properties.modified = when
    document.core_properties.last_printed = when
    raw = BytesIO()
    document.save(raw)
    out = BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info))
    return out.getvalue()


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
