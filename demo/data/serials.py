"""Serial-number formats: IMEI check digits (Luhn) for phones and VINs with their check digit for cars."""

# VIN characters (no I, O, Q) and model-year codes from 2010 on.
VIN_ALPHABET = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
VIN_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"
_VIN_VALUES = {
    **{str(digit): digit for digit in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMNPR", (1, 2, 3, 4, 5, 7, 9), strict=True)),
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def luhn_digit(digits: str) -> str:
    """The check digit that makes ``digits`` + it pass the Luhn test (IMEI numbers)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def vin(wmi: str, descriptor: str, year: int, plant: str, serial: str) -> str:
    """A 17-character VIN with its check digit (position 9) and model-year code (position 10)."""
    body = f"{wmi}{descriptor}0{VIN_YEAR_CODES[(year - 2010) % 30]}{plant}{serial}"
    check = sum(_VIN_VALUES[char] * weight for char, weight in zip(body, _VIN_WEIGHTS, strict=True)) % 11
    return body[:8] + ("X" if check == 10 else str(check)) + body[9:]
