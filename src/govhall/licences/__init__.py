"""电子证照: licence types, issuing with GB/T 36904 identifiers, SM2 signatures, verification, the wallet."""
