<#
.SYNOPSIS
    After promotion and restart: DNS forwarding (Azure DNS for the Internet, the other labs'
    forests by conditional forwarders), the AD RMS service account, and the enterprise root CA
    (AD CS). Runs as SYSTEM and waits for Active Directory before acting as the domain's
    administrator (a run-as logon would fail while AD DS is still starting).
#>
param(
    [Parameter(Mandatory = $true)] [string] $DomainName,
    [Parameter(Mandatory = $true)] [string] $AdminUser,
    # Protected parameter.
    [Parameter(Mandatory = $true)] [string] $AdminPassword,
    # "zone=ip;zone=ip": each other lab's forest and its domain controller. May be empty.
    [string] $ConditionalForwarders = "",
    [string] $InstallCertificateAuthority = "true",
    [string] $CaCommonName = "",
    [string] $RmsServiceAccount = "",
    # Protected parameter.
    [string] $RmsServicePassword = ""
)
# @include common.ps1

Invoke-LabStep "configure-dc" {
    Import-Module ActiveDirectory
    $admin = New-LabCredential $AdminUser $AdminPassword
    Wait-LabCondition "Active Directory answers for $DomainName" { (Get-ADDomain -Server $env:COMPUTERNAME -Credential $admin).DNSRoot -eq $DomainName } 30

    $forwarders = @((Get-DnsServerForwarder).IPAddress | ForEach-Object { $_.IPAddressToString })
    if ($forwarders -notcontains "168.63.129.16") {
        Set-DnsServerForwarder -IPAddress "168.63.129.16"
        Write-LabLog "DNS forwards to Azure DNS 168.63.129.16"
    }
    foreach ($entry in ($ConditionalForwarders.Split(";") | Where-Object { $_.Trim() })) {
        $zone, $master = $entry.Split("=", 2)
        $existing = Get-DnsServerZone -Name $zone -ErrorAction SilentlyContinue
        if (-not $existing) {
            Add-DnsServerConditionalForwarderZone -Name $zone -MasterServers $master -ReplicationScope Forest
            Write-LabLog "conditional forwarder $zone -> $master"
        } elseif ($existing.ZoneType -ne "Forwarder") {
            throw "zone $zone exists here as a $($existing.ZoneType) zone; remove it, then run again"
        } elseif ((@($existing.MasterServers | ForEach-Object { $_.IPAddressToString }) -join ",") -ne $master) {
            Set-DnsServerConditionalForwarderZone -Name $zone -MasterServers $master | Out-Null
            Write-LabLog "conditional forwarder $zone updated -> $master"
        }
    }

    if ($RmsServiceAccount) {
        if (-not (Get-ADUser -Filter "SamAccountName -eq '$RmsServiceAccount'" -Server $env:COMPUTERNAME -Credential $admin -ErrorAction SilentlyContinue)) {
            New-ADUser -Server $env:COMPUTERNAME -Credential $admin -Name $RmsServiceAccount -SamAccountName $RmsServiceAccount -Description "AD RMS service account (lab)" `
                -AccountPassword (ConvertTo-LabSecureString $RmsServicePassword) -PasswordNeverExpires $true -CannotChangePassword $true -Enabled $true
            Write-LabLog "created service account $RmsServiceAccount"
        } else {
            Write-LabLog "service account $RmsServiceAccount already exists"
        }
    }

    if ($InstallCertificateAuthority -eq "true") {
        Install-LabFeature @("ADCS-Cert-Authority")
        # The role's installation creates the key; a configured CA names itself in its Active value.
        $ca = (Get-ItemProperty -Path "HKLM:\SYSTEM\CurrentControlSet\Services\CertSvc\Configuration" -Name Active -ErrorAction SilentlyContinue).Active
        if (-not $ca) {
            Install-AdcsCertificationAuthority -CAType EnterpriseRootCA -CACommonName $CaCommonName -Credential $admin `
                -KeyLength 2048 -HashAlgorithmName SHA256 -ValidityPeriod Years -ValidityPeriodUnits 5 -Force | Out-Null
            Write-LabLog "enterprise root CA $CaCommonName installed"
        } else {
            Write-LabLog "certification authority $ca is already configured"
        }
    }
}
