#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Substring search in raw bytes with libc's `memchr` and `memcmp` (`memmem` is a GNU extension
/// Swift's Glibc module does not export): the generic `firstRange(of:)` walks element by element
/// through protocol witnesses, which took seconds on a large hostile file.
public enum ByteSearch {
    public static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first else { return true }
        guard haystack.count >= needle.count else { return false }
        return haystack.withUnsafeBytes { h in
            needle.withUnsafeBytes { n in
                guard let base = h.baseAddress, let pattern = n.baseAddress else { return false }
                let last = h.count - n.count   // the last offset a match can start at
                var offset = 0
                while offset <= last {
                    guard let hit = memchr(base + offset, Int32(first), last - offset + 1) else { return false }
                    let at = base.distance(to: UnsafeRawPointer(hit))
                    if memcmp(base + at, pattern, n.count) == 0 { return true }
                    offset = at + 1
                }
                return false
            }
        }
    }
}
