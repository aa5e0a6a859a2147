import FnauditModel

/// What each function's role may do, read from the descriptor that defines it (Docs/IAM.md):
/// the statements it is granted, judged by `RiskRules`, and whether anyone may invoke it.
enum PermissionsReader {
    /// A function resource of a CloudFormation template (SAM, CDK, compiled Serverless).
    static func cloudFormation(template: CloudFormationTemplate, functionId: String, resource: [String: Any]) -> FunctionPermissions? {
        let context = PolicyContext(template: template)
        let properties = resource.dictionary("Properties") ?? [:]
        let isSAM = resource.string("Type") == "AWS::Serverless::Function"
        let globals = isSAM ? template.functionGlobals : [:]
        let functionLine = context.line(ofResource: functionId)
        var grants = Grants(context: context)
        var role: String?
        var source = context.at(functionLine)
        if let value = properties["Role"] ?? globals["Role"] {
            // SAM ignores Policies when Role is given: the role is all the function gets.
            if let id = context.referencedResource(value), context.resources[id]?.string("Type") == "AWS::IAM::Role" {
                role = id
                source = context.at(context.line(ofResource: id))
                grants.role(id)
            } else {
                role = context.text(value)
                source = context.at(context.line(ofKey: "Role", from: functionLine))
            }
        } else if isSAM {
            // SAM creates `<Id>Role` with AWSLambdaBasicExecutionRole and the Policies (Globals' first: lists add up).
            let policies = list(globals["Policies"]) + list(properties["Policies"])
            if !policies.isEmpty { source = context.at(context.line(ofKey: "Policies", from: functionLine) ?? functionLine) }
            grants.samPolicies(policies, function: functionId, from: source.line)
        }
        var risks = grants.risks + RiskRules.risks(of: grants.statements)
        risks += publicAccess(context: context, functionId: functionId, urlConfig: properties["FunctionUrlConfig"] ?? globals["FunctionUrlConfig"],
                              functionLine: functionLine)
        return FunctionPermissions(role: role, source: source, risks: sorted(risks))
    }

    /// A function of a `serverless.yml`: the provider's role (`provider.iam.role.statements`, the older
    /// `provider.iamRoleStatements`, managed policies), a per-function role (serverless-iam-roles-per-function's
    /// `iamRoleStatements`), or a custom role (`role:`); and `url:`.
    static func serverless(config: [String: Any], functionKey: String, location: Location, lines: LineLocator) -> FunctionPermissions? {
        var file = location
        file.line = nil
        let context = PolicyContext(root: config.dictionary("resources") ?? [:], lines: lines, file: file)
        let provider = config.dictionary("provider") ?? [:]
        let function = config.dictionary("functions")?.dictionary(functionKey) ?? [:]
        let iamRole = provider.dictionary("iam")?["role"]
        let functionLine = location.line
        var grants = Grants(context: context)
        var role: String?
        var source = location
        if let value = function["role"] ?? (iamRole is [String: Any] ? nil : iamRole) ?? provider["role"] {
            let name = context.text(value)
            let id = context.referencedResource(value) ?? name
            if context.resources[id]?.string("Type") == "AWS::IAM::Role" {
                role = id
                source = context.at(context.line(ofResource: id))
                grants.role(id)
            } else {
                role = name
                source = context.at(context.line(ofKey: "role", from: function["role"] != nil ? functionLine : 1))
            }
        } else {
            let providerLine = context.line(ofKey: "provider", from: 1)
            func providerStatements() {
                let iamLine = context.line(ofKey: "iam", from: providerLine)
                if let statements = (iamRole as? [String: Any])?["statements"] {
                    let line = context.line(ofKey: "statements", from: iamLine)
                    grants.statements += context.statements(ofDocument: ["Statement": statements], origin: "provider.iam.role.statements", from: line)
                    source = context.at(line)
                }
                if let statements = provider["iamRoleStatements"] {
                    let line = context.line(ofKey: "iamRoleStatements", from: providerLine)
                    grants.statements += context.statements(ofDocument: ["Statement": statements], origin: "provider.iamRoleStatements", from: line)
                    source = context.at(line)
                }
                let managedLine = context.line(ofKey: "managedPolicies", from: iamLine) ?? context.line(ofKey: "iamManagedPolicies", from: providerLine)
                for value in list((iamRole as? [String: Any])?["managedPolicies"]) + list(provider["iamManagedPolicies"]) {
                    grants.managedPolicy(value, origin: "provider managed policies", from: managedLine)
                }
            }
            if let own = function["iamRoleStatements"] {
                // serverless-iam-roles-per-function: the function gets a role of its own.
                let line = context.line(ofKey: "iamRoleStatements", from: functionLine)
                grants.statements += context.statements(ofDocument: ["Statement": own], origin: "iamRoleStatements of function \(functionKey)", from: line)
                if function.bool("iamRoleStatementsInherit") { providerStatements() }
                source = context.at(line)
            } else {
                providerStatements()
            }
        }
        var risks = grants.risks + RiskRules.risks(of: grants.statements)
        // `url: true`, or `url: {authorizer: aws_iam}` (anything but aws_iam is public: Serverless's default is NONE).
        let url = function["url"]
        let isPublic = (url as? Bool) == true || (url as? String) == "true"
            || ((url as? [String: Any]).map { ($0.string("authorizer") ?? "").lowercased() != "aws_iam" } ?? false)
        if isPublic {
            risks.append(RiskRules.publicURL("has a function URL anyone on the internet may call (url without authorizer: aws_iam)",
                                             location: context.at(context.line(ofKey: "url", from: functionLine) ?? functionLine)))
        }
        return FunctionPermissions(role: role, source: source, risks: sorted(risks))
    }

    /// Function URLs with `AuthType: NONE` and resource policies that let anyone invoke the function.
    static func publicAccess(context: PolicyContext, functionId: String, urlConfig: Any?, functionLine: Int?) -> [PermissionRisk] {
        var risks: [PermissionRisk] = []
        if let config = urlConfig as? [String: Any], context.text(config["AuthType"]).uppercased() == "NONE" {
            risks.append(RiskRules.publicURL("has a function URL anyone on the internet may call (FunctionUrlConfig AuthType NONE)",
                                             location: context.at(context.line(ofKey: "FunctionUrlConfig", from: functionLine) ?? functionLine)))
        }
        // URLs before permissions: the permission a public URL needs is then known to be its companion.
        let types = ["AWS::Lambda::Url": 0, "AWS::Lambda::Permission": 1]
        let candidates = context.resources.compactMap { id, resource in types[resource.string("Type") ?? ""].map { (id, resource, $0) } }
        for (id, resource, _) in candidates.sorted(by: { ($0.2, $0.0) < ($1.2, $1.0) }) {
            let properties = resource.dictionary("Properties") ?? [:]
            switch resource.string("Type") {
            case "AWS::Lambda::Url":
                guard context.referencedResource(properties["TargetFunctionArn"]) == functionId,
                      context.text(properties["AuthType"]).uppercased() == "NONE" else { continue }
                risks.append(RiskRules.publicURL("has a function URL anyone on the internet may call (\(id): AuthType NONE)",
                                                 location: context.at(context.line(ofResource: id))))
            case "AWS::Lambda::Permission":
                let target = properties["FunctionName"]
                guard context.referencedResource(target) == functionId || context.text(target) == functionId,
                      context.text(properties["Principal"]) == "*",
                      properties["SourceArn"] == nil, properties["SourceAccount"] == nil, properties["PrincipalOrgID"] == nil else { continue }
                let action = context.text(properties["Action"])
                guard ["lambda:invokefunction", "lambda:invokefunctionurl", "lambda:*"].contains(action.lowercased()) else { continue }
                // The permission a public URL needs says the same as the URL: reported once.
                let forURL = action.lowercased() == "lambda:invokefunctionurl" || context.text(properties["FunctionUrlAuthType"]).uppercased() == "NONE"
                if forURL && !risks.isEmpty { continue }
                risks.append(RiskRules.publicURL(forURL ? "has a function URL anyone on the internet may call (\(id): Principal \"*\", FunctionUrlAuthType NONE)"
                                                        : "may be invoked by anyone: its resource policy \(id) grants \(action) to Principal \"*\" with no SourceArn or SourceAccount",
                                                 location: context.at(context.line(ofResource: id))))
            default:
                continue
            }
        }
        return risks
    }

    static func list(_ value: Any?) -> [Any] {
        switch value {
        case nil: return []
        case let many as [Any]: return many
        case let one?: return [one]
        }
    }

    /// Most severe first, then in the order of the file.
    static func sorted(_ risks: [PermissionRisk]) -> [PermissionRisk] {
        risks.sorted { a, b in
            a.severity != b.severity ? a.severity > b.severity : (a.location.line ?? 0, a.rule) < (b.location.line ?? 0, b.rule)
        }
    }
}

/// The statements and policy-level risks a function's role collects, read from one document.
struct Grants {
    let context: PolicyContext
    var statements: [PolicyStatement] = []
    var risks: [PermissionRisk] = []
    /// `AWS::IAM::ManagedPolicy` resources already read (a role may name one that also lists the role).
    private var read = Set<String>()

    init(context: PolicyContext) { self.context = context }

    /// An `AWS::IAM::Role` of the document: its managed policies, inline policies, and the
    /// `AWS::IAM::Policy`/`ManagedPolicy`/`RolePolicy` resources attached to it.
    mutating func role(_ id: String) {
        let roleLine = context.line(ofResource: id)
        let properties = context.resources[id]?.dictionary("Properties") ?? [:]
        let managedLine = context.line(ofKey: "ManagedPolicyArns", from: roleLine)
        for value in PermissionsReader.list(properties["ManagedPolicyArns"]) {
            managedPolicy(value, origin: "managed policies of role \(id)", from: managedLine)
        }
        var cursor = context.line(ofKey: "Policies", from: roleLine)
        for item in PermissionsReader.list(properties["Policies"]) {
            guard let policy = item as? [String: Any] else { continue }
            let name = context.text(policy["PolicyName"])
            let line = context.line(of: name, from: cursor) ?? cursor
            statements += context.statements(ofDocument: policy["PolicyDocument"], origin: "inline policy \(name) of role \(id)", from: line)
            if let line { cursor = line + 1 }
        }
        for (policyId, resource) in context.resources.sorted(by: { $0.key < $1.key }) where !read.contains(policyId) {
            let type = resource.string("Type")
            guard type == "AWS::IAM::Policy" || type == "AWS::IAM::ManagedPolicy" || type == "AWS::IAM::RolePolicy" else { continue }
            let policy = resource.dictionary("Properties") ?? [:]
            let attached = PermissionsReader.list(policy["Roles"]) + PermissionsReader.list(policy["RoleName"])
            guard attached.contains(where: { context.referencedResource($0) == id }) else { continue }
            read.insert(policyId)
            statements += context.statements(ofDocument: policy["PolicyDocument"], origin: "policy \(policyId) attached to role \(id)",
                                             from: context.line(ofResource: policyId))
        }
    }

    /// SAM's `Policies`: managed policy names and ARNs, policy templates, inline documents,
    /// references to `AWS::IAM::ManagedPolicy` resources.
    mutating func samPolicies(_ items: [Any], function: String, from: Int?) {
        var cursor = from
        for item in items {
            if let object = item as? [String: Any], object["Statement"] != nil {
                statements += context.statements(ofDocument: object, origin: "inline policy in Policies of \(function)", from: cursor)
                if let line = context.line(of: "Statement", from: cursor) { cursor = line + 1 }
            } else if let object = item as? [String: Any], object.count == 1, let name = object.keys.first,
                      !name.hasPrefix("Fn::"), name != "Ref" {
                let arguments = object[name]
                let line = context.line(of: name, from: cursor) ?? cursor
                if let line { cursor = line + 1 }
                // An unknown template name (newer than the data) grants what fnaudit cannot say: nothing is assumed.
                statements += SAMPolicyTemplates.statements(name, arguments: arguments, context: context, location: context.at(line)) ?? []
            } else {
                managedPolicy(item, origin: "Policies of \(function)", from: cursor)
            }
        }
    }

    /// A managed policy by name, ARN or reference: a template's own `AWS::IAM::ManagedPolicy` is
    /// read; a known AWS managed policy is judged (`ManagedPolicies`); others are not judged.
    mutating func managedPolicy(_ value: Any, origin: String, from: Int?) {
        if let id = context.referencedResource(value), context.resources[id]?.string("Type") == "AWS::IAM::ManagedPolicy" {
            guard read.insert(id).inserted else { return }
            statements += context.statements(ofDocument: context.resources[id]?.dictionary("Properties")?["PolicyDocument"],
                                             origin: "managed policy \(id)", from: context.line(ofResource: id))
            return
        }
        let text = context.text(value)
        guard let name = ManagedPolicies.awsManagedName(text), let entry = ManagedPolicies.entry(name) else { return }
        let location = context.at(context.line(of: name, from: from) ?? from)
        switch entry.kind {
        case .admin:
            risks.append(RiskRules.adminPolicy(name, entry, origin: origin, location: location))
        case .grants:
            statements.append(PolicyStatement(allows: true, actions: entry.actions, resources: ["*"],
                                              origin: "AWS managed policy \(name) in \(origin)", location: location))
        case .benign:
            break
        }
    }
}
