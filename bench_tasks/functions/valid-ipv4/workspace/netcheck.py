"""Validation of network addresses."""


def is_valid_ipv4(address: str) -> bool:
    """Return True if ``address`` is a valid dotted-decimal IPv4 address.

    A valid address is exactly four parts separated by "." where every part
    - is not empty and is made only of the ASCII digits 0-9;
    - has a value from 0 to 255;
    - has no leading zero, unless the part is exactly "0".
    Nothing else is allowed: no spaces, signs or other characters anywhere.

    Examples: "192.168.0.1" -> True; "255.255.255.255" -> True;
    "256.1.1.1" -> False; "1.2.3" -> False; "01.2.3.4" -> False;
    "1.2.3.4 " -> False.
    """
    raise NotImplementedError
