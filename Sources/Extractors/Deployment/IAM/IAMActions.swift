/// What the rules need to know about IAM action names and resource ARNs (Docs/IAM.md):
/// wildcard matching, which actions write, delete or read data, and which resources are "any".
enum IAMActions {
    /// IAM's `*`/`?` wildcards, case-insensitive (action names are).
    static func matches(_ pattern: String, _ name: String) -> Bool {
        let p = Array(pattern.lowercased().utf8), n = Array(name.lowercased().utf8)
        var pi = 0, ni = 0, star = -1, mark = 0
        while ni < n.count {
            if pi < p.count && (p[pi] == UInt8(ascii: "?") || p[pi] == n[ni]) {
                pi += 1; ni += 1
            } else if pi < p.count && p[pi] == UInt8(ascii: "*") {
                star = pi; mark = ni; pi += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; ni = mark
            } else {
                return false
            }
        }
        while pi < p.count && p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }

    /// Whether a statement's action list (or, with NotAction, its complement) allows `action`.
    static func allows(_ statement: PolicyStatement, _ action: String) -> Bool {
        let listed = statement.actions.contains { matches($0, action) }
        return statement.notAction ? !listed : listed
    }

    /// `*` itself, or `NotAction` (which grants everything not listed).
    static func isEveryAction(_ statement: PolicyStatement) -> Bool {
        statement.notAction || statement.actions.contains { $0.trimmingCharacters(in: .whitespaces) == "*" }
    }

    /// Services granted whole (`s3:*`).
    static func wholeServices(_ statement: PolicyStatement) -> [String] {
        guard !statement.notAction else { return [] }
        return statement.actions.compactMap { action in
            let parts = action.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[1] == "*" else { return nil }
            return String(parts[0]).lowercased()
        }
    }

    /// `*`, `NotResource`, or an ARN whose resource part is only wildcards after its type
    /// (`arn:aws:s3:::*`, `…:table/*`, `…:secret:*`, `…:role/*`). A symbol (`${Bucket.Arn}`) is a
    /// specific resource: it is never "any".
    static func isAnyResource(_ statement: PolicyStatement) -> Bool {
        statement.notResource || statement.resources.contains(where: isAnyResource)
    }

    static func isAnyResource(_ resource: String) -> Bool {
        let text = resource.trimmingCharacters(in: .whitespaces)
        if text == "*" { return true }
        guard let parts = arnParts(text) else { return false }
        var rest = Substring(parts[5])
        // An optional resource type (`table/`, `secret:`, `role/`), then nothing but wildcards and separators.
        // S3 has none: `bucket/key`, so `acme-reports/*` is one bucket's objects.
        if parts[2] != "s3", let separator = rest.firstIndex(where: { $0 == "/" || $0 == ":" }),
           rest[..<separator].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }), !rest[..<separator].isEmpty {
            rest = rest[rest.index(after: separator)...]
        }
        return !rest.isEmpty && rest.allSatisfy { $0 == "*" || $0 == "/" || $0 == ":" } && rest.contains("*")
    }

    /// `arn:partition:service:region:account:resource`, split on the colons outside `${…}` (a symbol
    /// such as `${AWS::Partition}` holds colons of its own); nil when it is not an ARN.
    static func arnParts(_ text: String) -> [String]? {
        var parts: [String] = []
        var current = ""
        var depth = 0
        var previous: Character = " "
        for character in text {
            if character == "{" && previous == "$" { depth += 1 }
            if character == "}" && depth > 0 { depth -= 1 }
            if character == ":" && depth == 0 && parts.count < 5 {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
            previous = character
        }
        parts.append(current)
        guard parts.count == 6, parts[0] == "arn" else { return nil }
        return parts
    }

    /// Verbs of API names that change or remove something (`PutObject`, `DeleteItem`, `PassRole`).
    static let writeVerbs = ["Put", "Delete", "Create", "Update", "Write", "Modify", "Attach", "Detach", "Set", "Remove", "Terminate",
                             "Run", "Start", "Stop", "Restore", "Send", "Publish", "Invoke", "Import", "Upload", "Copy", "Replace",
                             "Change", "Add", "Associate", "Disassociate", "Enable", "Disable", "Reset", "Revoke", "Authorize", "Tag",
                             "Untag", "Execute", "Reboot", "Restart", "Rotate", "Purge", "Merge", "Split", "Increase", "Decrease",
                             "Register", "Deregister", "Cancel", "Pass", "Subscribe", "Unsubscribe", "GitPush", "Sign"]
    static let deleteVerbs = ["Delete", "Remove", "Terminate", "Purge"]

    /// Actions that read data rather than metadata: the content of objects, items, messages, records, logs, code.
    static let dataReads = ["s3:GetObject", "s3:GetObjectVersion", "dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query",
                            "dynamodb:Scan", "dynamodb:PartiQLSelect", "dynamodb:GetRecords", "kinesis:GetRecords", "sqs:ReceiveMessage",
                            "logs:GetLogEvents", "logs:FilterLogEvents", "athena:GetQueryResults", "codecommit:GitPull",
                            "codecommit:GetBlob", "codecommit:GetFile", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer",
                            "lambda:GetFunction", "es:ESHttpGet", "rds-data:ExecuteStatement", "firehose:GetRecords"]

    /// Secret material: these on any resource are `secrets-read-wildcard` (and not also `wildcard-resource`).
    static let secretReads = ["secretsmanager:GetSecretValue", "secretsmanager:BatchGetSecretValue", "ssm:GetParameter",
                              "ssm:GetParameters", "ssm:GetParametersByPath", "kms:Decrypt"]

    /// Actions that AWS only grants on `*` or that only write the function's own telemetry and
    /// network interfaces: on `*` they are the least privilege possible, not a risk.
    static let onlyOnAnyResource = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "cloudwatch:PutMetricData",
                                    "xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSampling*",
                                    "ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface",
                                    "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses", "ec2:DetachNetworkInterface",
                                    "codepipeline:PutJobSuccessResult", "codepipeline:PutJobFailureResult", "mobileanalytics:PutEvents",
                                    "textract:Start*", "textract:Detect*", "textract:Analyze*", "comprehend:*", "rekognition:Detect*",
                                    "rekognition:CompareFaces", "ses:VerifyEmailIdentity",
                                    "ssm:DescribeParameters", "ec2:Describe*"]

    /// What one action pattern of an Allow on any resource does: nil when harmless there.
    enum Effect: Int, Comparable {
        case dataRead = 1, write, delete
        static func < (a: Effect, b: Effect) -> Bool { a.rawValue < b.rawValue }
    }

    static func effect(of action: String) -> Effect? {
        let parts = action.split(separator: ":", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        let service = String(parts[0]), name = String(parts[1])
        // A concrete action AWS only grants on `*` (a pattern covering more is judged on the rest).
        if !name.contains("*") && !name.contains("?"), onlyOnAnyResource.contains(where: { matches($0, action) }) { return nil }
        if secretReads.contains(where: { matches(action, $0) }) && !name.contains("*") { return nil }
        // Before the first wildcard: what the pattern's names must start with (`Get` for `Get*`).
        let prefix = String(name.prefix { $0 != "*" && $0 != "?" })
        let verbName = prefix.hasPrefix("Batch") ? String(prefix.dropFirst(5)) : prefix
        func starts(_ verbs: [String]) -> Bool {
            verbs.contains { verb in verbName.hasPrefix(verb) || (prefix.count < name.count && verb.hasPrefix(verbName)) }
        }
        if starts(deleteVerbs) { return .delete }
        if starts(writeVerbs) { return .write }
        if dataReads.contains(where: { $0.hasPrefix(service + ":") && matches(action, $0) }) { return .dataRead }
        return nil
    }
}
