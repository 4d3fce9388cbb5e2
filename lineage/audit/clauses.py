"""The provisions findings rest on, cited the same way everywhere.

PIPL is the 个人信息保护法 (2021); GB/T 35273-2020 the national standard 信息安全技术
个人信息安全规范; TC260-PG-20205A the TC260 practice guide 网络安全标准实践指南—移动互联网
应用程序(App)使用软件开发工具包(SDK)安全指引 (2020).
"""

from __future__ import annotations

PIPL_7 = "PIPL Art. 7"
"""Openness and transparency: the processing rules made public, purposes, manner and scope stated
clearly (公开、透明)."""
PIPL_14 = "PIPL Art. 14"
"""Consent: given voluntarily and explicitly, in full knowledge; separate or written consent where
the law asks it; consent again when the purpose, manner or types change."""
PIPL_16 = "PIPL Art. 16"
"""A product or service may not be refused because the individual does not consent to processing
that is not necessary to provide it."""
PIPL_17 = "PIPL Art. 17"
"""What a handler must tell before processing: name and contact, purposes, manner, types, retention."""
PIPL_20 = "PIPL Art. 20"
"""Joint handlers: an agreement on rights and duties; joint and several liability."""
PIPL_21 = "PIPL Art. 21"
"""Entrusted processing: an agreement, supervision; no re-entrustment without the handler's consent."""
PIPL_23 = "PIPL Art. 23"
"""Provision to another handler: tell the recipient's name, contact, purpose, manner and the
types of personal information; obtain separate consent."""
PIPL_28 = "PIPL Art. 28"
"""Sensitive personal information: what it is; processing only for a specific purpose and need."""
PIPL_29 = "PIPL Art. 29"
"""Sensitive personal information needs separate consent."""
PIPL_19 = "PIPL Art. 19"
"""Retention: no longer than the shortest period necessary for the purpose."""
PIPL_30 = "PIPL Art. 30"
"""Processing sensitive personal information: tell the necessity and the impact."""
PIPL_47 = "PIPL Art. 47"
"""Deletion: when the purpose is reached, the retention period ends, consent is withdrawn…"""
PIPL_55 = "PIPL Art. 55"
"""Impact assessment before processing sensitive data, entrusting, providing to another handler…"""
PIPL_56 = "PIPL Art. 56"
"""What the impact assessment covers."""
GBT_54 = "GB/T 35273-2020 §5.4"
"""Consent to collection; e) indirect collection: the source told, its lawfulness and the scope of
consent checked."""
GBT_55 = "GB/T 35273-2020 §5.5"
"""The privacy policy: what it must say (types collected per business function, sharing…)."""
GBT_61 = "GB/T 35273-2020 §6.1"
"""Retention: the shortest period necessary; deletion or anonymisation after it."""
GBT_91 = "GB/T 35273-2020 §9.1"
"""Entrusted processing."""
GBT_92 = "GB/T 35273-2020 §9.2"
"""Sharing and transfer: tell the purpose and the recipient, obtain consent; explicit consent
and the recipient's identity for sensitive personal information."""
GBT_97 = "GB/T 35273-2020 §9.7"
"""Third-party access (SDKs embedded in the product)."""
TC260_SDK = "TC260-PG-20205A"
"""The TC260 practice guide on apps' use of SDKs: disclose each SDK's name, provider, purpose,
the personal information it collects, and its privacy policy."""
NECESSARY_PI = "必要个人信息范围规定 (2021)"
"""常见类型移动互联网应用程序必要个人信息范围规定 (CAC, MIIT, MPS, SAMR, 2021): per app type, the
personal information necessary for its basic function; an app may not refuse the basic function
to a user who declines anything else (Art. 5, Art. 6)."""


def cite(*clauses: str) -> str:
    """Several provisions as one ``clause`` string."""
    return "; ".join(dict.fromkeys(clauses))
