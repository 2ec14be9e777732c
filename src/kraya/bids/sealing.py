"""BID-5: sealed submissions. Nothing of a submission can be read before its
opening — not through the app, not from the database, not by an operator.

How (see also the BID-5 section of the README):

- Each bid gets two X25519 key pairs at publication, one for the technical
  packet and one for the financial packet (`BidKeys`). Submissions are sealed
  to the public keys: an ephemeral X25519 exchange, HKDF-SHA256 and
  AES-256-GCM, with the bid, the seller and the packet name as associated
  data, so a sealed packet cannot be moved to another submission or packet.
- The private keys are stored only wrapped: sealed in the same way to the
  deployment's master public key. The master private key is not in the
  database; it is a setting (`KRAYA_SEAL_PRIVATE_KEY`) that only processes
  which open bids need, so web processes run with the public half alone.
- An opening *releases* the private key: `release` unwraps it and stores it
  on `BidKeys`, and refuses before the opening time or while the bid's state
  is still sealed for that packet. After the release anyone with the bid's
  rights reads the opened packet; before it, the database holds only
  ciphertext, and the running app holds no key that opens it.

So a database dump, a compromised web process or an operator with the admin
cannot read a bid before its opening; what remains is whoever holds both the
database and the master private key, which is the custody question every
e-procurement system answers with an HSM: the key lives outside the
database, with the process that runs the openings."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from kraya.core import clock

VERSION = b"\x01"
TECHNICAL = "technical"
FINANCIAL = "financial"
PACKETS = (TECHNICAL, FINANCIAL)
_INFO = b"kraya/bids/seal/v1"


class StillSealed(Exception):
    """Raised when anything asks for a packet before its opening."""


class SealBroken(Exception):
    """The ciphertext or its associated data does not authenticate."""


def _raw_public(key: X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _raw_private(key: X25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )


def _derive(shared: bytes, ephemeral_public: bytes, recipient_public: bytes, aad: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=ephemeral_public + recipient_public,
        info=_INFO + b"|" + aad,
    ).derive(shared)


def seal(public_key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """Encrypt `plaintext` to the X25519 `public_key`, bound to `aad`."""
    recipient = X25519PublicKey.from_public_bytes(public_key)
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = _raw_public(ephemeral.public_key())
    key = _derive(ephemeral.exchange(recipient), ephemeral_public, public_key, aad)
    nonce = os.urandom(12)
    return VERSION + ephemeral_public + nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def unseal(private_key: bytes, sealed: bytes, aad: bytes) -> bytes:
    """Decrypt what `seal` made for the public half of `private_key`."""
    if len(sealed) < 1 + 32 + 12 + 16 or sealed[:1] != VERSION:
        raise SealBroken("not a sealed packet")
    me = X25519PrivateKey.from_private_bytes(private_key)
    ephemeral_public, nonce, body = sealed[1:33], sealed[33:45], sealed[45:]
    shared = me.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
    key = _derive(shared, ephemeral_public, _raw_public(me.public_key()), aad)
    try:
        return AESGCM(key).decrypt(nonce, body, aad)
    except InvalidTag as error:
        raise SealBroken("the packet does not authenticate") from error


# --- the master key -------------------------------------------------------------------


def new_master_pair() -> tuple[str, str]:
    """A fresh (private, public) master pair, base64, for the settings."""
    key = X25519PrivateKey.generate()
    return (
        base64.b64encode(_raw_private(key)).decode(),
        base64.b64encode(_raw_public(key.public_key())).decode(),
    )


def _key_file_private(path: Path) -> bytes:
    # Created once, atomically (O_EXCL), so parallel test workers and
    # processes of one embedded install agree on one key.
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(new_master_pair()[0])
    for _ in range(50):
        text = path.read_text().strip()
        if text:
            return base64.b64decode(text)
        time.sleep(0.01)
    raise ImproperlyConfigured(f"{path} is empty")


@lru_cache(maxsize=1)
def _master_private() -> bytes | None:
    if settings.KRAYA_SEAL_PRIVATE_KEY:
        return base64.b64decode(settings.KRAYA_SEAL_PRIVATE_KEY)
    if settings.KRAYA_SEAL_KEY_FILE is not None:
        return _key_file_private(Path(settings.KRAYA_SEAL_KEY_FILE))
    return None


@lru_cache(maxsize=1)
def master_public() -> bytes:
    """The master public key: from the private key where this process has it."""
    private = _master_private()
    if private is not None:
        return _raw_public(X25519PrivateKey.from_private_bytes(private).public_key())
    if settings.KRAYA_SEAL_PUBLIC_KEY:
        return base64.b64decode(settings.KRAYA_SEAL_PUBLIC_KEY)
    raise ImproperlyConfigured(
        "Set KRAYA_SEAL_PUBLIC_KEY (web) or KRAYA_SEAL_PRIVATE_KEY (the workers that open "
        "bids): `kraya bids sealkey` makes a pair."
    )


def master_key_id() -> str:
    return hashlib.sha256(master_public()).hexdigest()[:16]


# --- a bid's keys ----------------------------------------------------------------------


@dataclass(frozen=True)
class NewKeys:
    technical_public: bytes
    technical_private_wrapped: bytes
    financial_public: bytes
    financial_private_wrapped: bytes
    master_key_id: str


def _wrap_aad(bid_id: int, packet: str) -> bytes:
    return f"bid:{bid_id}|key:{packet}".encode()


def packet_aad(bid_id: int, seller_firm_id: int, packet: str) -> bytes:
    """What a sealed packet is bound to: its bid, its seller and its kind."""
    return f"bid:{bid_id}|seller:{seller_firm_id}|packet:{packet}".encode()


def document_aad(bid_id: int, seller_firm_id: int) -> bytes:
    return packet_aad(bid_id, seller_firm_id, "document")


def new_bid_keys(bid_id: int) -> NewKeys:
    """Two fresh key pairs for a bid, the private halves wrapped to the master key."""
    master = master_public()
    made: dict[str, tuple[bytes, bytes]] = {}
    for packet in PACKETS:
        private = X25519PrivateKey.generate()
        made[packet] = (
            _raw_public(private.public_key()),
            seal(master, _raw_private(private), _wrap_aad(bid_id, packet)),
        )
    return NewKeys(
        technical_public=made[TECHNICAL][0],
        technical_private_wrapped=made[TECHNICAL][1],
        financial_public=made[FINANCIAL][0],
        financial_private_wrapped=made[FINANCIAL][1],
        master_key_id=hashlib.sha256(master).hexdigest()[:16],
    )


def unwrap_private(*, bid_id: int, packet: str, wrapped: bytes, opening_at: dt.datetime) -> bytes:
    """The private key of a packet, unwrapped with the master key: only at or
    after `opening_at`, and only where this process holds the master key.
    Callers are the opening transitions, which then store it as released."""
    if packet not in PACKETS:
        raise ValueError(packet)
    if clock.now() < opening_at:
        raise StillSealed(f"the {packet} packets of bid {bid_id} open at {opening_at.isoformat()}")
    private = _master_private()
    if private is None:
        raise ImproperlyConfigured(
            "This process cannot open bids: KRAYA_SEAL_PRIVATE_KEY is not set here."
        )
    return unseal(private, wrapped, _wrap_aad(bid_id, packet))


def open_packet(*, released_private: bytes | None, sealed: bytes, aad: bytes) -> bytes:
    """A packet's plaintext with its released private key; StillSealed when
    the key has not been released (the opening has not happened)."""
    if released_private is None:
        raise StillSealed("this packet has not been opened")
    return unseal(released_private, sealed, aad)


def digest(*parts: bytes) -> str:
    """The seller's receipt over what it sealed (SHA-256 of the sealed bytes)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()
