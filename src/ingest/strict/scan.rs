//! Finding where an unquoted field ends: the strict reader's innermost loop. SSE2 compares
//! sixteen bytes at a time on x86_64; elsewhere, and for the last few bytes, eight at a time in
//! a word. `unsafe` (the SSE2 intrinsics) is allowed here. The functions are `#[inline]`: the
//! reader's loop calls them once a field, and a call across code-generation units costs more
//! than the scan of a short field.
#![allow(unsafe_code)]

/// Where an unquoted field starting at `from` ends: the first delimiter, line end or quote
/// mark, or the end of `bytes`. Sixteen bytes are compared at a time with SSE2 (part of every
/// x86_64 processor), which finds most fields' end in one step; the last few bytes, and other
/// processors, go eight at a time.
#[cfg(target_arch = "x86_64")]
#[inline]
pub(super) fn field_end(bytes: &[u8], from: usize, delimiter: u8) -> usize {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };
    let mut at = from;
    // SAFETY: SSE2 is always there on x86_64, and every load reads 16 bytes inside `bytes`.
    unsafe {
        let [d, n, r, q] = [delimiter, b'\n', b'\r', b'"'].map(|b| _mm_set1_epi8(b as i8));
        while at + 16 <= bytes.len() {
            let block = _mm_loadu_si128(bytes.as_ptr().add(at).cast());
            let ends = _mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi8(block, d), _mm_cmpeq_epi8(block, n)),
                _mm_or_si128(_mm_cmpeq_epi8(block, r), _mm_cmpeq_epi8(block, q)),
            );
            let mask = _mm_movemask_epi8(ends) as u32;
            if mask != 0 {
                return at + mask.trailing_zeros() as usize;
            }
            at += 16;
        }
    }
    field_end_by_words(bytes, at, delimiter)
}

#[cfg(not(target_arch = "x86_64"))]
#[inline]
pub(super) fn field_end(bytes: &[u8], from: usize, delimiter: u8) -> usize {
    field_end_by_words(bytes, from, delimiter)
}

/// [`field_end`] eight bytes at a time (a byte equal to `b` shows as a zero byte of
/// `word ^ b`, which `zero_bytes` marks; the lowest mark is exact).
#[inline]
fn field_end_by_words(bytes: &[u8], from: usize, delimiter: u8) -> usize {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGHS: u64 = ONES << 7;
    let zero_bytes = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let [d, n, r, q] = [delimiter, b'\n', b'\r', b'"'].map(|b| ONES * u64::from(b));
    let mut at = from;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        let marks = zero_bytes(word ^ d) | zero_bytes(word ^ n) | zero_bytes(word ^ r) | zero_bytes(word ^ q);
        if marks != 0 {
            return at + (marks.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    bytes[at..]
        .iter()
        .position(|&b| b == delimiter || b == b'\n' || b == b'\r' || b == b'"')
        .map_or(bytes.len(), |p| at + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_ends_at_the_first_delimiter_line_end_or_quote() {
        for text in [
            "",
            "abc",
            "abcdefghijklmnopqrstuvwxyz",
            "é£ and more text past eight",
        ] {
            for (stop, tail) in [(',', "x"), ('\n', ""), ('\r', "\n"), ('"', "x")] {
                for offset in 0..text.len().min(12) {
                    if !text.is_char_boundary(offset) {
                        continue;
                    }
                    let line = format!("{text}{stop}{tail},more");
                    assert_eq!(
                        field_end(line.as_bytes(), offset, b','),
                        text.len(),
                        "{line:?} from {offset}"
                    );
                }
            }
            assert_eq!(field_end(text.as_bytes(), 0, b','), text.len());
            assert_eq!(field_end(format!("{text};x").as_bytes(), 0, b';'), text.len());
            assert_eq!(field_end_by_words(text.as_bytes(), 0, b','), text.len());
        }
        // Every end position in and past a 16-byte block, found both ways alike.
        let long = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ";
        for end in 0..long.len() {
            for stop in [',', '\n', '\r', '"'] {
                let line = format!("{}{stop}{}", &long[..end], &long[end..]);
                for from in 0..=end.min(20) {
                    assert_eq!(
                        field_end(line.as_bytes(), from, b','),
                        end,
                        "{line:?} from {from}"
                    );
                    assert_eq!(field_end_by_words(line.as_bytes(), from, b','), end);
                }
            }
        }
    }
}
