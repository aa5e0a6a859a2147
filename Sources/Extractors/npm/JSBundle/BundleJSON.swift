/// Just enough JSON for source maps and metafiles, read in place: the string arrays and object keys
/// under one key, without building the whole tree (a map with `sourcesContent` is the bundle's source
/// again, often tens of megabytes). Malformed input ends the read early; it never traps.
enum BundleJSON {
    /// Every `"key": [ … ]` array of strings (`null` elements kept as nil), in order.
    static func stringArrays(_ key: StaticString, in bytes: UnsafeBufferPointer<UInt8>) -> [[String?]] {
        valueStarts(key, in: bytes, opening: 0x5B).map { start in
            var items: [String?] = []
            var i = start + 1
            while i < bytes.count {
                i = skipBlanks(bytes, i)
                guard i < bytes.count else { break }
                switch bytes[i] {
                case 0x22:
                    guard let (s, next) = string(bytes, at: i) else { return items }
                    items.append(s)
                    i = next
                case 0x6E: items.append(nil); i += 4   // null
                case 0x2C: i += 1
                default: return items                   // `]` or anything unexpected
                }
            }
            return items
        }
    }

    /// The keys of every `"key": { … }` object (esbuild metafile `inputs`).
    static func objectKeys(_ key: StaticString, in bytes: UnsafeBufferPointer<UInt8>) -> [String] {
        var keys: [String] = []
        for start in valueStarts(key, in: bytes, opening: 0x7B) {
            var i = start + 1
            while i < bytes.count {
                i = skipBlanks(bytes, i)
                guard i < bytes.count, bytes[i] == 0x22, let (k, next) = string(bytes, at: i) else { break }
                keys.append(k)
                i = skipBlanks(bytes, next)
                guard i < bytes.count, bytes[i] == 0x3A, let end = skipValue(bytes, skipBlanks(bytes, i + 1)) else { break }
                i = skipBlanks(bytes, end)
                if i < bytes.count, bytes[i] == 0x2C { i += 1 } else { break }
            }
        }
        return keys
    }

    /// Offsets of the `[` or `{` that opens each value of `"key"`. A quote inside a JSON string is
    /// always escaped, so `"key"` followed by `:` can only be a key.
    private static func valueStarts(_ key: StaticString, in bytes: UnsafeBufferPointer<UInt8>, opening: UInt8) -> [Int] {
        var starts: [Int] = []
        var at = 0
        while let hit = ByteSearch.find(key, in: bytes, from: at) {
            at = hit + 1
            guard hit > 0, bytes[hit - 1] == 0x22 else { continue }
            var i = hit + key.utf8CodeUnitCount
            guard i < bytes.count, bytes[i] == 0x22 else { continue }
            i = skipBlanks(bytes, i + 1)
            guard i < bytes.count, bytes[i] == 0x3A else { continue }
            i = skipBlanks(bytes, i + 1)
            if i < bytes.count, bytes[i] == opening { starts.append(i) }
        }
        return starts
    }

    private static func skipBlanks(_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int) -> Int {
        var i = from
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
        return i
    }

    /// The end of the value starting at `i` (nesting counted, strings skipped).
    private static func skipValue(_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int) -> Int? {
        var depth = 0, i = from
        while i < bytes.count {
            switch bytes[i] {
            case 0x22:
                guard let end = stringEnd(bytes, at: i) else { return nil }
                i = end
                if depth == 0 { return i }
                continue
            case 0x5B, 0x7B: depth += 1
            case 0x5D, 0x7D:
                depth -= 1
                if depth == 0 { return i + 1 }
                if depth < 0 { return i }
            case 0x2C where depth == 0: return i
            default: break
            }
            i += 1
        }
        return nil
    }

    /// Offset after the closing quote of the string opening at `i`.
    private static func stringEnd(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Int? {
        var i = start + 1
        while i < bytes.count {
            if bytes[i] == 0x5C { i += 2; continue }
            if bytes[i] == 0x22 { return i + 1 }
            i += 1
        }
        return nil
    }

    /// The decoded string opening at `i`, and the offset after it.
    static func string(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> (String, Int)? {
        guard let end = stringEnd(bytes, at: start) else { return nil }
        let body = UnsafeBufferPointer(rebasing: bytes[(start + 1)..<(end - 1)])
        guard body.contains(0x5C) else { return (String(decoding: body, as: UTF8.self), end) }
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        var i = 0
        var pendingHigh: UInt32?
        func append(scalar: UInt32) {
            if let s = Unicode.Scalar(scalar) { out.append(contentsOf: Array(String(Character(s)).utf8)) }
        }
        while i < body.count {
            let b = body[i]
            guard b == 0x5C, i + 1 < body.count else { out.append(b); i += 1; continue }
            let e = body[i + 1]
            i += 2
            switch e {
            case 0x6E: out.append(0x0A)
            case 0x74: out.append(0x09)
            case 0x72: out.append(0x0D)
            case 0x62: out.append(0x08)
            case 0x66: out.append(0x0C)
            case 0x75:
                guard i + 4 <= body.count, let code = UInt32(String(decoding: UnsafeBufferPointer(rebasing: body[i..<(i + 4)]), as: UTF8.self), radix: 16) else { continue }
                i += 4
                if code >= 0xD800 && code < 0xDC00 { pendingHigh = code; continue }
                if code >= 0xDC00 && code < 0xE000, let high = pendingHigh {
                    append(scalar: 0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00))
                } else {
                    append(scalar: code)
                }
                pendingHigh = nil
            default: out.append(e)   // \" \\ \/
            }
        }
        return (String(decoding: out, as: UTF8.self), end)
    }
}
