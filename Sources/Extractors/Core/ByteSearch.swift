#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte search: the C library's vectorised `memchr` finds the needle's first byte, `memcmp` the rest
/// (Glibc's `memmem` is not visible to Swift). The generic `firstRange(of:)` walks element by
/// element through protocol witnesses, which took seconds on a large hostile file.
public enum ByteSearch {
    /// The offset of the first `needle` in `bytes[start..<end]`.
    static func find(_ needle: UnsafeRawBufferPointer, in bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int? = nil) -> Int? {
        let stop = min(end ?? bytes.count, bytes.count)
        let n = needle.count
        guard let base = bytes.baseAddress, let pattern = needle.baseAddress, start >= 0, n > 0, stop - start >= n else { return nil }
        let first = Int32(pattern.load(as: UInt8.self))
        var at = start
        while stop - at >= n {
            guard let hit = memchr(base + at, first, stop - at - n + 1) else { return nil }
            let offset = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if memcmp(base + offset, pattern, n) == 0 { return offset }
            at = offset + 1
        }
        return nil
    }

    static func find(_ needle: StaticString, in bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int? = nil) -> Int? {
        find(UnsafeRawBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount), in: bytes, from: start, to: end)
    }

    /// Every offset of `needle`.
    static func all(_ needle: StaticString, in bytes: UnsafeBufferPointer<UInt8>) -> [Int] {
        var hits: [Int] = []
        var at = 0
        while let hit = find(needle, in: bytes, from: at) {
            hits.append(hit)
            at = hit + 1
        }
        return hits
    }

    static func string(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    public static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        return haystack.withUnsafeBufferPointer { h in
            needle.withUnsafeBytes { n in find(n, in: h, from: 0) != nil }
        }
    }
}
