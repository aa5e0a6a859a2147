import FnauditModel

/// The permission risks (rule ids are stable; Docs/IAM.md says why each matters and how to fix it).
/// A narrower rule implied by a broader one on the same statement is folded into it: `Action: "*"`
/// on any resource is one `wildcard-action`, not also every rule it implies.
enum RiskRules {
    static let wildcardAction = "wildcard-action"
    static let wildcardResource = "wildcard-resource"
    static let adminManagedPolicy = "admin-managed-policy"
    static let passRoleWildcard = "iam-passrole-wildcard"
    static let privilegeEscalation = "privilege-escalation"
    static let secretsReadWildcard = "secrets-read-wildcard"
    static let publicURL = "public-url"
    static let all = [wildcardAction, wildcardResource, adminManagedPolicy, passRoleWildcard, privilegeEscalation, secretsReadWildcard, publicURL]

    /// Actions that let a role change its own permissions or take over another principal's, on any resource.
    static let escalationActions = ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:AttachRolePolicy", "iam:AttachUserPolicy",
                                    "iam:AttachGroupPolicy", "iam:PutRolePolicy", "iam:PutUserPolicy", "iam:PutGroupPolicy",
                                    "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile", "iam:UpdateAssumeRolePolicy",
                                    "iam:AddUserToGroup", "lambda:UpdateFunctionCode"]

    /// With `iam:PassRole` on any role, these start something that runs as the passed role
    /// (Rhino Security Labs' privilege-escalation methods; Docs/IAM.md).
    static let passRoleCombinations: [(actions: [String], what: String)] = [
        (["lambda:CreateFunction", "lambda:InvokeFunction"], "create a function with any role and invoke it"),
        (["lambda:CreateFunction", "lambda:CreateEventSourceMapping"], "create a function with any role and have a queue or stream trigger it"),
        (["ec2:RunInstances"], "start an instance with any role"),
        (["cloudformation:CreateStack"], "create a stack that deploys with any role"),
        (["glue:CreateDevEndpoint"], "create a Glue development endpoint with any role"),
        (["datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition"], "create a data pipeline that runs as any role"),
        (["codebuild:CreateProject", "codebuild:StartBuild"], "create and start a build that runs as any role"),
        (["sagemaker:CreateNotebookInstance", "sagemaker:CreatePresignedNotebookInstanceUrl"], "open a notebook that runs as any role"),
        (["ecs:RegisterTaskDefinition", "ecs:RunTask"], "run a container task with any role"),
    ]

    static func risks(of statements: [PolicyStatement]) -> [PermissionRisk] {
        let allowed = statements.filter(\.allows)
        var risks = allowed.flatMap(risks(of:))
        // Everything on everything already says it all.
        let everything = allowed.contains { IAMActions.isEveryAction($0) && IAMActions.isAnyResource($0) }
        if !everything, let pass = allowed.first(where: { IAMActions.isAnyResource($0) && IAMActions.allows($0, "iam:PassRole") }) {
            for combination in passRoleCombinations where combination.actions.allSatisfy({ action in allowed.contains { IAMActions.allows($0, action) } }) {
                risks.append(PermissionRisk(
                    rule: privilegeEscalation, severity: lowered(.critical, pass.hasCondition),
                    detail: "may \(combination.what): iam:PassRole on any role with \(combination.actions.joined(separator: " and "))"
                        + conditionNote(pass) + " (\(pass.origin))",
                    location: pass.location))
            }
        }
        var seen = Set<String>()
        return risks.filter { seen.insert("\($0.rule)|\($0.detail)|\($0.location)|\($0.location.line ?? 0)").inserted }
    }

    /// The rules one Allow statement breaks on its own.
    static func risks(of s: PolicyStatement) -> [PermissionRisk] {
        let any = IAMActions.isAnyResource(s)
        let on = any ? "any resource" : resourceText(s)
        func risk(_ rule: String, _ severity: Severity, _ detail: String) -> PermissionRisk {
            PermissionRisk(rule: rule, severity: lowered(severity, s.hasCondition), detail: detail + conditionNote(s) + " (\(s.origin))", location: s.location)
        }
        if IAMActions.isEveryAction(s) {
            let what = s.notAction ? "may call every AWS API except \(list(s.actions)) (NotAction)" : "may call any AWS API"
            return [risk(wildcardAction, any ? .critical : .high, "\(what) on \(on)")]
        }
        var risks: [PermissionRisk] = []
        let services = IAMActions.wholeServices(s)
        if !services.isEmpty {
            risks.append(risk(wildcardAction, any ? .high : .medium, "may call every action of \(services.joined(separator: ", ")) on \(on)"))
        }
        guard any else { return risks }
        if IAMActions.allows(s, "iam:PassRole") {
            risks.append(risk(passRoleWildcard, .high, "may pass any role to a service (iam:PassRole on any resource)"))
        }
        let escalations = escalationActions.filter { IAMActions.allows(s, $0) }
        if !escalations.isEmpty {
            risks.append(risk(privilegeEscalation, .critical, "may grant itself more permissions or take over other principals: \(list(escalations)) on any resource"))
        }
        let secrets = IAMActions.secretReads.filter { IAMActions.allows(s, $0) }
        if !secrets.isEmpty {
            risks.append(risk(secretsReadWildcard, .high, "may read every secret, parameter or key it can reach: \(list(secrets)) on any resource"))
        }
        // What the rules above did not already say: writes, deletes and data reads outside a whole service.
        var strongest: IAMActions.Effect?
        var named: [String] = []
        for action in s.actions {
            let service = action.split(separator: ":").first.map { String($0).lowercased() } ?? ""
            guard !services.contains(service), !escalations.contains(where: { IAMActions.matches(action, $0) }),
                  !IAMActions.matches(action, "iam:PassRole"), let effect = IAMActions.effect(of: action) else { continue }
            strongest = max(strongest ?? effect, effect)
            named.append(action)
        }
        if let strongest {
            let verb = strongest == .dataRead ? "may read the data of" : strongest == .delete ? "may delete or change" : "may change"
            risks.append(risk(wildcardResource, strongest == .dataRead ? .medium : .high, "\(verb) any resource: \(list(named)) on \(resourceText(s))"))
        }
        return risks
    }

    /// `admin-managed-policy` for an AWS managed policy with administrator-like power.
    static func adminPolicy(_ name: String, _ entry: ManagedPolicies.Entry, origin: String, location: Location) -> PermissionRisk {
        PermissionRisk(rule: adminManagedPolicy, severity: entry.severity,
                       detail: "has the AWS managed policy \(name), which \(entry.why) (\(origin))", location: location)
    }

    static func publicURL(_ detail: String, location: Location) -> PermissionRisk {
        PermissionRisk(rule: publicURL, severity: .high, detail: detail, location: location)
    }

    /// A Condition narrows a grant in ways not evaluated here: one step lower, and the detail says so.
    static func lowered(_ severity: Severity, _ conditional: Bool) -> Severity {
        guard conditional else { return severity }
        switch severity {
        case .critical: return .high
        case .high: return .medium
        case .medium, .low: return .low
        case .unknown: return .unknown
        }
    }

    static func conditionNote(_ s: PolicyStatement) -> String { s.hasCondition ? " (narrowed by a Condition not evaluated here)" : "" }

    static func list(_ items: [String]) -> String {
        items.count <= 4 ? items.joined(separator: ", ") : items.prefix(4).joined(separator: ", ") + " and \(items.count - 4) more"
    }

    static func resourceText(_ s: PolicyStatement) -> String {
        (s.notResource ? "every resource except " : "") + list(s.resources.map { "\"\($0)\"" })
    }
}
