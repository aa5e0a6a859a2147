import Foundation

/// Allow-lists and guards: what looks like a secret but is not one. Every rule's candidate passes
/// through `SecretChecks.accepts`; Docs/SECRETS.md lists each guard and why it is there.
public enum SecretChecks {
    /// Values vendors print in their documentation (AWS's example key pair, jwt.io's token): never reported.
    static let documentedExamples: Set<String> = [
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "AKIAI44QH8DHBEXAMPLE",
        "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSFMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    ]

    /// Substrings (compared lower-cased) that mark a template, an example or code, not a value.
    static let placeholderMarks = [
        "example", "xxxx", "****", "....", "<", ">", "${", "{{", "}}", "$(", "%(", "%s", "#{",
        "process.env", "os.environ", "getenv", "env[", "changeme", "change_me", "change-me", "placeholder",
        "your_", "your-", "yourkey", "yourtoken", "yoursecret", "insert_", "replace_", "replaceme", "dummy", "redacted",
        "sample", "notasecret", "not_a_secret", "fake_", "fakekey", "test_key", "testkey", "mock_", "mock-", "mytoken",
        "my_token", "my-token", "mysecret", "my_secret", "aws4_request",
    ]

    /// Tokens in RFC examples that libraries quote in their docstrings (OAuth 1 and 2, token revocation).
    static let rfcExamples: Set<String> = [
        "2YotnFZFEjr1zCsicMWpAA", "tGzv3JOkF0XG5Qx2TlKWIA", "8xLOxBtZp8", "ad180jjd733klru7", "45ghiukldjahdnhzdauz",
        "SplxlOBeZQQYbYS6WxSbIA", "nnch734d00sl2jdk", "pfkkdhi9sl3r4s00", "kd94hf93k423kf44", "hh5s93j4hdidpola",
    ]

    /// Assignment names that end in a credential word but hold something else: pagination and
    /// idempotency tokens, DNS-published verification tokens, per-page CSRF tokens, token types.
    static let nonSecretKeys: [String] = [
        "nexttoken", "pagetoken", "continuationtoken", "clienttoken", "idempotencytoken", "synctoken", "paginationtoken",
        "starttoken", "resumetoken", "cursortoken", "requesttoken", "inputtoken", "outputtoken", "verificationtoken",
        "csrftoken", "xsrftoken", "publickey", "publictoken", "tokentype", "secretname", "secretid", "secretarn",
    ]

    /// Code files: there an unquoted value is an expression (`private_key: PKCS7PrivateKeyTypes`).
    static let codeExtensions: Set<String> = [
        "js", "mjs", "cjs", "jsx", "ts", "tsx", "mts", "cts", "py", "pyi", "java", "kt", "kts", "scala", "groovy", "go", "rb",
        "php", "cs", "swift", "rs", "c", "h", "cc", "cpp", "hpp", "m", "dart", "lua", "pl", "pm", "ex", "exs", "clj", "vue", "svelte",
    ]

    static func isCode(_ fileName: Substring) -> Bool {
        guard let dot = fileName.lastIndex(of: ".") else { return false }
        return codeExtensions.contains(fileName[fileName.index(after: dot)...].lowercased())
    }

    static let documentationExtensions: Set<String> = ["md", "markdown", "rst", "adoc", "asciidoc", "html", "htm", "txt", "tex", "man", "ronn"]
    static let documentationNames: Set<String> = ["pkg-info", "metadata", "readme", "changelog", "changes", "history", "license", "notice"]
    static let documentationFolders: Set<String> = [
        "doc", "docs", "example", "examples", "sample", "samples", "test", "tests", "__tests__", "spec", "specs", "fixtures",
        "testdata", "test-data", "man", "man1", "man5", "man7",
    ]

    /// Documentation, examples and tests: where libraries show made-up credentials. Only the
    /// format-specific rules read them; the broad ones (`skip-docs`) do not.
    public static func isDocumentation(_ path: String) -> Bool {
        // On bytes (a Character split of every scanned path was a tenth of a secret scan); the
        // names compared with are ASCII, so ASCII lower-casing decides as Unicode's would.
        let lower = String(decoding: path.utf8.map { $0 &- 0x41 < 26 ? $0 | 0x20 : $0 }, as: UTF8.self)
        let parts = lower.utf8.split(separator: UInt8(ascii: "/"))
        guard let baseBytes = parts.last else { return false }
        for folder in parts.dropLast() where documentationFolders.contains(String(Substring(folder))) { return true }
        let base = Substring(baseBytes)
        let stem = baseBytes.split(separator: UInt8(ascii: ".")).first.map { String(Substring($0)) } ?? String(base)
        if documentationNames.contains(stem) { return true }
        if base.containsBytes("example") || base.containsBytes("sample") || base.containsBytes("template") { return true }
        if let dot = baseBytes.lastIndex(of: UInt8(ascii: ".")),
           documentationExtensions.contains(String(Substring(baseBytes[baseBytes.index(after: dot)...]))) { return true }
        return false
    }

    /// Database passwords that are defaults or words from documentation (`postgres://user:password@host`).
    static let placeholderPasswords: Set<String> = [
        "password", "pass", "passwd", "pwd", "secret", "changeme", "example", "test", "testing", "user", "username",
        "root", "admin", "postgres", "postgresql", "mysql", "redis", "mongo", "mongodb", "guest", "default", "dbpassword",
        "db_password", "mypassword", "my_password", "yourpassword", "your_password", "pa55word", "p4ssw0rd", "passw0rd",
    ]

    /// Lockfiles hold hashes (`integrity`, `resolved` URLs) and package names with "token" in them:
    /// only format-specific rules read them, never the generic assignment rule.
    static let lockfileNames: Set<String> = [
        "package-lock.json", "npm-shrinkwrap.json", ".package-lock.json", "yarn.lock", "pnpm-lock.yaml", "poetry.lock",
        "Pipfile.lock", "uv.lock", "pdm.lock", "pylock.toml", "gradle.lockfile", "composer.lock", "Cargo.lock", "go.sum",
        "Gemfile.lock", "bun.lock", "RECORD",
    ]

    /// Whether `value`, found by `rule`, is reported. `value` is the secret as the rule captured it;
    /// `key` the assignment's name for the generic rule. Returns the value to fingerprint (a
    /// private key's body without whitespace or quoting), or nil for a non-secret.
    static func accepts(_ rule: SecretRule, value: String, key: String?, quoted: Bool, path: String) -> String? {
        var value = value
        let fileName = PathName.base(path)
        if rule.checks.contains(.pem) {
            guard let body = pemBody(value) else { return nil }
            value = body
        }
        // Cheap, rule-specific tests first; the placeholder marks last.
        if rule.checks.contains(.mixed), !hasLetterAndDigit(value) { return nil }
        if rule.checks.contains(.generic), !isGenericSecret(value, key: key, quoted: quoted, fileName: fileName) { return nil }
        if rule.checks.contains(.dbPassword), !isDatabasePassword(value) { return nil }
        if let minimum = rule.minEntropy, entropy(value) < minimum { return nil }
        if rule.checks.contains(.jwt), !isJWT(value) { return nil }
        // Key bodies hold long runs (`AAAAAAAA` in DER lengths): only the marks apply to them.
        if documentedExamples.contains(value) || rfcExamples.contains(value) || isPlaceholder(value, runs: !rule.checks.contains(.pem)) { return nil }
        return value
    }

    /// Templates, examples, environment look-ups, runs of one character or of a sequence.
    public static func isPlaceholder(_ value: String, runs: Bool = true) -> Bool {
        let lower = Array(value.utf8).map { $0 &- 0x41 < 26 ? $0 | 0x20 : $0 }
        for mark in placeholderBytes where lower.count >= mark.count {
            for start in 0...(lower.count - mark.count) where lower[start] == mark[0] {
                var same = true
                for j in 1..<mark.count where lower[start + j] != mark[j] { same = false; break }
                if same { return true }
            }
        }
        guard runs else { return false }
        var run = 1, ascending = 1
        var previous: UInt8?
        for byte in lower {
            if let previous {
                run = byte == previous ? run + 1 : 1
                ascending = byte == previous &+ 1 ? ascending + 1 : 1
            }
            if run >= 6 || ascending >= 8 { return true }
            previous = byte
        }
        return false
    }

    private static let placeholderBytes = placeholderMarks.map { Array($0.utf8) }

    static func hasLetterAndDigit(_ value: String) -> Bool {
        var letter = false, digit = false
        for byte in value.utf8 {
            if (0x30...0x39).contains(byte) { digit = true } else if (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) { letter = true }
            if letter && digit { return true }
        }
        return false
    }

    /// Shannon entropy in bits per character.
    public static func entropy(_ value: String) -> Double {
        var counts: [UInt8: Int] = [:]
        var total = 0
        for byte in value.utf8 {
            counts[byte, default: 0] += 1
            total += 1
        }
        guard total > 0 else { return 0 }
        return counts.values.reduce(0.0) { sum, count in
            let p = Double(count) / Double(total)
            return sum - p * log2(p)
        }
    }

    /// A UUID (`123e4567-e89b-12d3-a456-426614174000`): an identifier, not a credential.
    static func isUUID(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard bytes.count == 36 else { return false }
        for (i, byte) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(i) { if byte != 0x2D { return false } } else if !isHex(byte) { return false }
        }
        return true
    }

    static func isHex(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
    }

    /// A JWT whose header decodes to a JSON object naming its `alg`, and whose payload is a JSON object.
    static func isJWT(_ value: String) -> Bool {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let header = base64URLDecode(parts[0]), let payload = base64URLDecode(parts[1]),
              let object = try? JSONSerialization.jsonObject(with: header) as? [String: Any], object["alg"] is String,
              (try? JSONSerialization.jsonObject(with: payload)) is [String: Any] else { return false }
        return true
    }

    static func base64URLDecode(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }

    /// The base64 body of a PEM or OpenSSH private key as written in a file or a string literal
    /// (`"…\n" +` concatenations, escaped newlines), without headers such as `Proc-Type:`; nil when
    /// the text between BEGIN and END is code or prose rather than a key.
    static func pemBody(_ raw: String) -> String? {
        var text = raw.replacingOccurrences(of: "\\r", with: "\n").replacingOccurrences(of: "\\n", with: "\n")
        if text.contains("\"") || text.contains("'") || text.contains("`") {
            // A key in string literals: keep what is inside the quotes.
            var inside = "", quote: Character?
            for character in text {
                if let open = quote {
                    if character == open { quote = nil; inside.append("\n") } else { inside.append(character) }
                } else if character == "\"" || character == "'" || character == "`" {
                    quote = character
                } else if !(character.isWhitespace || character == "+" || character == "," || character == "(" || character == ")") {
                    return nil   // code between the quoted parts
                }
            }
            text = inside
        }
        var body = ""
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.contains(":") { continue }   // Proc-Type:, DEK-Info:, Comment:
            for scalar in trimmed.unicodeScalars {
                guard scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "+" || scalar == "/" || scalar == "=" else {
                    return nil
                }
            }
            body += trimmed
        }
        return body.count >= 64 ? body : nil
    }

    static func isDatabasePassword(_ password: String) -> Bool {
        let lower = password.lowercased()
        if placeholderPasswords.contains(lower) { return false }
        if password.hasPrefix("$") || password.hasPrefix("%") || password.hasPrefix("{") || password.hasPrefix("[") { return false }
        return true
    }

    /// The generic assignment rule: a key that names a credential, and a value that is neither code,
    /// an identifier, a hash nor a template.
    static func isGenericSecret(_ value: String, key: String?, quoted: Bool, fileName: Substring) -> Bool {
        if lockfileNames.contains(String(fileName)) { return false }
        if let key {
            let name = key.lowercased().filter { $0 != "_" && $0 != "-" && $0 != "." }
            if nonSecretKeys.contains(where: { name.hasSuffix($0) }) { return false }
        }
        if !quoted, isCode(fileName) { return false }
        if !hasLetterAndDigit(value) || isUUID(value) { return false }
        let lower = value.lowercased()
        for prefix in ["sha1-", "sha256-", "sha384-", "sha512-", "data:", "http:", "https:", "file:", "/", "./", "../", "$", "@"] where lower.hasPrefix(prefix) {
            return false
        }
        if lower.contains("://") { return false }
        // a.b.c or someName: code, not a value.
        if value.range(of: #"^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)+(\(\))?$"#, options: .regularExpression) != nil { return false }
        return true
    }
}
