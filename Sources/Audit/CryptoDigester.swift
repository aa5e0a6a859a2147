import Crypto
import Foundation
import FnauditModel

/// SHA-1 and SHA-256 through swift-crypto, injected into the walk (which itself links no crypto).
struct CryptoDigester: FileDigester, SecretFingerprinter {
    func sha256Hex(_ bytes: [UInt8]) -> String { hex(SHA256.hash(data: bytes)) }

    func digests(of bytes: UnsafeRawBufferPointer) -> FileDigests {
        FileDigests(sha1: hex(Insecure.SHA1.hash(data: bytes)), sha256: hex(SHA256.hash(data: bytes)))
    }

    /// Streams the file once, 1 MiB at a time, into both hashes.
    func digests(ofFile path: String) -> FileDigests? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        var sha1 = Insecure.SHA1()
        var sha256 = SHA256()
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            sha1.update(data: chunk)
            sha256.update(data: chunk)
        }
        return FileDigests(sha1: hex(sha1.finalize()), sha256: hex(sha256.finalize()))
    }

    private func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
