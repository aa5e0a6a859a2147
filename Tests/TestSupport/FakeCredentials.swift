import Foundation

/// Fake credentials made at run time from each secret rule's format, so no credential-looking
/// literal is ever committed (push protection stays quiet) and each run tries fresh values.
public struct FakeCredential: Sendable {
    /// The rule that must find it.
    public var rule: String
    /// What the rule fingerprints: the token, a URL's password, a private key's base64 body.
    public var value: String
    /// The text that holds it, and the 0-based line of that text where it starts.
    public var lines: [String]
    public var valueLine: Int
}

/// A small seeded generator (SplitMix64): a failing run can be replayed from the seed it prints.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

public enum FakeCredentials {
    // No x or X: a run of them reads as a placeholder (`xxxx`).
    static let upper = "ABCDEFGHIJKLMNOPQRSTUVWYZ", lower = "abcdefghijklmnopqrstuvwyz", digits = "0123456789"
    static let alnum = upper + lower + digits

    static func pick(_ n: Int, from alphabet: String, _ rng: inout SeededRandom) -> String {
        let chars = Array(alphabet)
        while true {
            let s = String((0..<n).map { _ in chars[Int(rng.next() % UInt64(chars.count))] })
            // Formats with letters and digits get both (as real tokens of these lengths do).
            let needsBoth = alphabet.contains("a") || alphabet.contains("A")
            if !needsBoth || (s.contains(where: \.isNumber) && s.contains(where: \.isLetter)) { return s }
        }
    }

    static func base64URL(_ text: String) -> String {
        Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// One or more credentials per rule, in the forms people write them (env, JSON, YAML, code).
    public static func all(_ rng: inout SeededRandom) -> [FakeCredential] {
        func one(_ rule: String, _ value: String, _ line: String) -> FakeCredential {
            FakeCredential(rule: rule, value: value, lines: [line], valueLine: 0)
        }
        var out: [FakeCredential] = []
        let awsID = "AK" + "IA" + pick(16, from: "ABCDEFGHIJKLMNOPQRSTUVWYZ234567", &rng)
        out.append(one("aws-access-key-id", awsID, "AWS_ACCESS_KEY_ID=\(awsID)"))
        let stsID = "AS" + "IA" + pick(16, from: "ABCDEFGHIJKLMNOPQRSTUVWYZ234567", &rng)
        out.append(one("aws-access-key-id", stsID, "\"AccessKeyId\": \"\(stsID)\","))
        for form in ["aws_secret_access_key = %@", "AWS_SECRET_ACCESS_KEY=%@", "\"SecretAccessKey\": \"%@\",", "aws_secret_access_key: '%@'"] {
            let secret = pick(40, from: alnum + "/+", &rng)
            out.append(one("aws-secret-access-key", secret, form.replacingOccurrences(of: "%@", with: secret)))
        }
        for kind in ["p", "o", "u", "s", "r"] {
            let token = "gh" + kind + "_" + pick(36, from: alnum, &rng)
            out.append(one("github-token", token, "GITHUB_TOKEN=\(token)"))
        }
        let fine = "github" + "_pat_" + pick(22, from: alnum, &rng) + "_" + pick(59, from: alnum, &rng)
        out.append(one("github-fine-grained-token", fine, "  \"gh\": \"\(fine)\""))
        let gitlab = "gl" + "pat-" + pick(20, from: alnum, &rng)
        out.append(one("gitlab-token", gitlab, "gitlab_pat: \(gitlab)"))
        let slack = "xo" + "xb-" + pick(12, from: digits, &rng) + "-" + pick(13, from: digits, &rng) + "-" + pick(24, from: alnum, &rng)
        out.append(one("slack-token", slack, "SLACK_BOT=\(slack)"))
        let hook = "https://hooks.slack" + ".com/services/T" + pick(8, from: upper + digits, &rng) + "/B" + pick(10, from: upper + digits, &rng)
            + "/" + pick(24, from: alnum, &rng)
        // The rule's value is the URL without its scheme.
        out.append(one("slack-webhook", String(hook.dropFirst("https://".count)), "webhook_url = \"\(hook)\""))
        for prefix in ["sk", "rk"] {
            let stripe = prefix + "_live_" + pick(24, from: alnum, &rng)
            out.append(one("stripe-secret-key", stripe, "stripe.api_key = '\(stripe)'"))
        }
        let google = "AI" + "za" + pick(35, from: alnum + "_-", &rng)
        out.append(one("google-api-key", google, "const firebaseConfig = { apiKey: \"\(google)\" };"))
        let npm = "np" + "m_" + pick(36, from: alnum, &rng)
        out.append(one("npm-token", npm, "//registry.npmjs.org/:_authToken=\(npm)"))
        let npmAuth = pick(32, from: alnum + "+/", &rng) + "=="
        out.append(one("npmrc-auth", npmAuth, "_auth=\(npmAuth)"))
        let pypi = "py" + "pi-AgEIcHlwaS5vcmc" + pick(60, from: alnum + "_-", &rng)
        out.append(one("pypi-token", pypi, "password = \(pypi)"))
        let sendgrid = "S" + "G." + pick(22, from: alnum, &rng) + "." + pick(43, from: alnum, &rng)
        out.append(one("sendgrid-api-key", sendgrid, "SENDGRID_KEY=\(sendgrid)"))
        let twilioKey = "S" + "K" + pick(32, from: "0123456789abcdef", &rng)
        out.append(one("twilio-api-key", twilioKey, "TWILIO_API_KEY=\(twilioKey)"))
        let twilioToken = pick(32, from: "0123456789abcdef", &rng)
        out.append(one("twilio-auth-token", twilioToken, "TWILIO_AUTH_TOKEN=\(twilioToken)"))
        let sid = "A" + "C" + pick(32, from: "0123456789abcdef", &rng), pairToken = pick(32, from: "0123456789abcdef", &rng)
        out.append(one("twilio-account-credentials", pairToken, "client = Client(\"\(sid)\", \"\(pairToken)\")"))
        let openai = "sk-" + "proj-" + pick(24, from: alnum + "_-", &rng) + "T3Blbk" + "FJ" + pick(24, from: alnum + "_-", &rng)
        out.append(one("openai-api-key", openai, "OPENAI_API_KEY=\(openai)"))
        let anthropic = "sk-" + "ant-api03-" + pick(93, from: alnum + "_-", &rng) + "AA"
        out.append(one("anthropic-api-key", anthropic, "ANTHROPIC_API_KEY=\"\(anthropic)\""))
        for (label, header) in [("RSA ", "pem"), ("", "pkcs8"), ("OPENSSH ", "openssh"), ("EC ", "js")] {
            let bodyLines = (0..<(header == "js" ? 4 : 12)).map { _ in pick(64, from: alnum + "+/", &rng) } + [pick(20, from: alnum, &rng) + "=="]
            let begin = "-----BEGIN " + label + "PRIVATE" + " KEY-----", end = "-----END " + label + "PRIVATE" + " KEY-----"
            let body = bodyLines.joined()
            if header == "js" {
                // A key in a string literal with escaped newlines, as bundlers inline it.
                out.append(one("private-key", body, "const key = \"\(begin)\\n\(bodyLines.joined(separator: "\\n"))\\n\(end)\\n\";"))
            } else {
                out.append(FakeCredential(rule: "private-key", value: body, lines: [begin] + bodyLines + [end], valueLine: 0))
            }
        }
        let jwtHeader = base64URL("{\"alg\":\"HS256\",\"typ\":\"JWT\"}")
        let jwtPayload = base64URL("{\"sub\":\"\(pick(12, from: alnum, &rng))\",\"iat\":\(1_700_000_000 + Int(rng.next() % 10_000_000))}")
        let jwt = jwtHeader + "." + jwtPayload + "." + pick(43, from: alnum + "_-", &rng)
        out.append(one("jwt", jwt, "Authorization: Bearer \(jwt)"))
        for scheme in ["postgres", "mysql", "mongodb+srv", "redis"] {
            let password = pick(16, from: alnum, &rng)
            out.append(one("database-url", password, "DATABASE_URL=\(scheme)://app:\(password)@db.internal:5432/app"))
        }
        for form in ["DB_PASSWORD=%@", "\"client_secret\": \"%@\",", "API_KEY = \"%@\"", "password: %@", "jwtSecret := \"%@\""] {
            let secret = pick(24, from: alnum, &rng)
            out.append(one("generic-secret", secret, form.replacingOccurrences(of: "%@", with: secret)))
        }
        return out
    }

    /// The credentials as one file's text, with the 1-based line each starts on.
    public static func file(_ credentials: [FakeCredential]) -> (text: String, lines: [Int]) {
        var text = "# settings\n"
        var line = 2
        var starts: [Int] = []
        for credential in credentials {
            starts.append(line + credential.valueLine)
            text += credential.lines.joined(separator: "\n") + "\n"
            line += credential.lines.count
        }
        return (text, starts)
    }

    /// Text that looks like credentials but is not: none of it may be reported.
    public static func negatives(_ rng: inout SeededRandom) -> [(name: String, text: String)] {
        let uuid = UUID().uuidString.lowercased()
        let base64Body = (0..<6).map { _ in pick(64, from: alnum + "+/", &rng) }.joined(separator: "\n")
        let hex64 = pick(64, from: "0123456789abcdef", &rng), hex40 = pick(40, from: "0123456789abcdef", &rng)
        let begin = { (label: String) in "-----BEGIN " + label + "-----" }, end = { (label: String) in "-----END " + label + "-----" }
        let env = """
            AWS_ACCESS_KEY_ID=\("AKIAIOSFODNN7" + "EXAMPLE")
            aws_secret_access_key = \("wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY")
            password = changeme
            api_key: <YOUR_KEY>
            token = ${GITHUB_TOKEN}
            secret: {{ secret_value }}
            DB_PASSWORD=\(String(repeating: "x", count: 20))
            "token": "\(uuid)"
            "NextToken": "\(pick(40, from: alnum, &rng))"
            SLACK_WEBHOOK=https://hooks.slack.com/services/T00000000/B00000000/\(String(repeating: "X", count: 24))
            DATABASE_URL=postgres://user:password@localhost:5432/db
            DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/app
            SLACK_TOKEN=xoxb-your-token
            GITHUB_TOKEN=ghp_\(String(repeating: "x", count: 36))
            JWT=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSFMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c
            icon_secret = "data:image/png;base64,\(pick(80, from: alnum + "+/", &rng))"
            password_hash = "\(hex64)"

            """
        let code = """
            const token = process.env.API_TOKEN;
            const password = passwordInput.value;
            api_key = os.getenv("API_KEY")
            password = os.environ["DB_PASSWORD"]
            private_key: PKCS7PrivateKeyTypes,
            if (pem.startsWith("\(begin("RSA PRIVATE KEY"))")) { return parse(pem); }
            const footer = "\(end("RSA PRIVATE KEY"))";
            const logo = "data:image/png;base64,\(pick(120, from: alnum + "+/", &rng))";

            """
        let keys = begin("PUBLIC KEY") + "\n" + base64Body + "\n" + end("PUBLIC KEY") + "\n"
            + begin("CERTIFICATE") + "\n" + base64Body + "\n" + end("CERTIFICATE") + "\n"
        let lock = """
            {
              "name": "app", "lockfileVersion": 3,
              "packages": {
                "node_modules/js-tokens": {
                  "version": "4.0.0",
                  "resolved": "https://registry.npmjs.org/js-tokens/-/js-tokens-4.0.0.tgz",
                  "integrity": "sha512-\(pick(86, from: alnum + "+/", &rng))=="
                },
                "node_modules/@octokit/auth-token": {
                  "version": "2.4.5",
                  "resolved": "https://registry.npmjs.org/@octokit/auth-token/-/auth-token-2.4.5.tgz",
                  "integrity": "sha1-\(pick(27, from: alnum + "+/", &rng))="
                }
              }
            }

            """
        let yarn = """
            js-tokens@^4.0.0:
              version "4.0.0"
              resolved "https://registry.yarnpkg.com/js-tokens/-/js-tokens-4.0.0.tgz#\(hex40)"
              integrity sha512-\(pick(86, from: alnum + "+/", &rng))==

            """
        return [("negatives.env", env), ("negatives.js", code), ("public.pem", keys), ("package-lock.json", lock), ("yarn.lock", yarn)]
    }
}
