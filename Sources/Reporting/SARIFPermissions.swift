import FnauditMatching
import FnauditModel
import FnauditPolicy

/// Permission risks in SARIF: one rule per risk rule (`iam/<rule>`), one result per function and
/// risk located at the template; findings that a function's permissions elevate say so in `properties`.
extension SARIFReport {
    static let permissionHelp: [String: String] = [
        "wildcard-action": "Grants every action (\"*\") or every action of a service (\"s3:*\"). List the actions the code calls.",
        "wildcard-resource": "Grants writes, deletes or data reads on Resource \"*\". Name the ARNs of the tables, buckets and queues the function uses.",
        "admin-managed-policy": "Attaches an AWS managed policy with administrator-like power. Replace it with statements for what the function does.",
        "iam-passrole-wildcard": "Allows iam:PassRole on any role, so the function can hand any role to a service it starts. Name the one role it passes and add an iam:PassedToService condition.",
        "privilege-escalation": "Allows changing IAM policies or credentials, or starting something with any role: the function can grant itself more. Remove these actions from a function's role.",
        "secrets-read-wildcard": "Allows reading every secret, parameter or KMS key. Name the secrets and parameters the function reads.",
        "public-url": "Anyone on the internet may invoke the function (a function URL with AuthType NONE, or Principal \"*\"). Use AWS_IAM, or put an authorizer in front.",
    ]

    static func permissionRule(_ rule: String) -> [String: Any] {
        let help = (permissionHelp[rule] ?? "A permission risk.") + " Docs/IAM.md describes the rule."
        return [
            "id": "iam/" + rule,
            "name": "FunctionPermission",
            "shortDescription": ["text": "Function permissions: \(rule)"],
            "fullDescription": ["text": permissionHelp[rule] ?? rule],
            "help": ["text": help, "markdown": help],
            "properties": ["tags": ["security", "iam", "serverless"], "precision": "high"],
        ]
    }

    static func permissionResult(_ risk: PermissionRisk, function: FunctionView, ruleIndex: Int) -> [String: Any] {
        let name = function.definition.name
        return [
            "ruleId": "iam/" + risk.rule,
            "ruleIndex": ruleIndex,
            "level": level(risk.severity),
            "message": ["text": "\(risk.severity.rawValue) in function \(name): it \(risk.detail)."],
            "locations": [location(risk.location)],
            "partialFingerprints": ["fnaudit/permission/v1": "\(name)|\(risk.rule)|\(risk.location)|\(risk.location.line ?? 0)|\(risk.detail)"],
            "properties": ["function": name, "rule": risk.rule, "severity": risk.severity.rawValue,
                           "security-severity": securitySeverity(risk.severity)],
        ]
    }

    /// `properties.exposure` and the reason on a finding whose function's permissions elevate it.
    static func exposure(of finding: Finding, in report: AuditReport, into result: inout [String: Any]) {
        guard let exposure = report.exposure(of: finding) else { return }
        var properties = result["properties"] as? [String: Any] ?? [:]
        properties["exposure"] = exposure.level
        properties["exposureReason"] = exposure.reason
        result["properties"] = properties
    }
}
